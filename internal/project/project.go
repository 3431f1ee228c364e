// Package project holds the facts about a stelvio project that both the light command line (dev,
// init, version) and the deployment engine need, so that neither has to import the other.
package project

// StateDir is the folder, in the project directory, where stelvio keeps everything it makes: state,
// builds, logs, the personal environment's name.
const StateDir = ".stelvio"

// PulumiVersion is the version of the pulumi CLI (and SDK) stelvio drives.
const PulumiVersion = "3.274.1"
