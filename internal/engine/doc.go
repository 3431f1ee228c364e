// Package engine drives the Pulumi engine through the Automation API for one
// stelvio app: one stack per environment, an inline program, a pinned pulumi
// CLI, and a project-local file backend unless the user chooses another.
//
// Layout on disk, relative to the project directory:
//
//	.stelvio/state/            default file backend (file://<dir>/.stelvio/state)
//	.stelvio/passphrase        secrets passphrase, created once (0600) unless
//	                           PULUMI_CONFIG_PASSPHRASE or _FILE is set
//	.stelvio/workspace/        Pulumi.yaml and Pulumi.<env>.yaml the Automation
//	                           API writes (kept so the stack's encryption salt
//	                           survives between runs)
//	.stelvio/logs/             raw engine output per operation
//	                           (<env>-<op>-<time>.log)
//
// Tags: the inline program creates an explicit aws provider per stack with
// DefaultTags stelvio:app and stelvio:env, and hands it to the user's
// resources as Providers.AWS; components pass it with pulumi.Provider or
// pulumi.Providers. The same region, profile and tags are also written as stack
// config (aws:region, aws:profile, aws:defaultTags) so that anything using the
// default provider, such as data source invokes, sees the same settings.
package engine
