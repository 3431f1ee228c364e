// Package runtime turns the Lambda functions of a route table into deployment packages and host
// workers. Each language is one implementation of the small Runtime interface (internal/runtime/python,
// internal/runtime/golang), chosen by a Registry keyed by route.Function.Runtime; nothing else in
// stelvio switches on runtime names.
//
// Packages are deterministic zips (entries sorted, fixed timestamps and modes), so the same sources and
// configuration give byte-identical bytes and therefore the same Hash and no Pulumi diff. They are cached
// under <project>/.stelvio/build/, keyed by a hash of every input (sources, configuration, generated
// code, toolchain version): an unchanged function is not rebuilt.
package runtime
