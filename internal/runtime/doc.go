// Package runtime turns the Lambda functions of a route table into deployment packages and host
// workers. Each language is one implementation of the small Runtime interface (internal/runtime/python,
// internal/runtime/golang), chosen by a Registry keyed by route.Function.Runtime; nothing else in
// stelvio switches on runtime names.
//
// Packages are deterministic zips (entries sorted, fixed timestamps and modes), so the same sources and
// configuration give byte-identical bytes and therefore the same Hash and no Pulumi diff. They are cached
// under <project>/.stelvio/build/, keyed by a hash of every input (sources, configuration, generated
// code, toolchain version): an unchanged function is not rebuilt. A package larger than Lambda accepts
// (50 MB zipped, 250 MB unzipped) is refused before it is written.
//
// Before anything is built, CheckAll runs every function's Check (files and functions exist, parse,
// have a signature Lambda can call, Go packages compile) and returns all problems at once, each with
// the route that declared the handler. Walk is the one walk of a function's source folder, for packages
// and for the local server's watch alike: it follows symbolic links only to targets inside the project
// (FollowLink), so that no file of the user's machine outside the project is ever packaged.
package runtime
