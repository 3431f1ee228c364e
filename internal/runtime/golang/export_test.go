package golang

// Compiles is how many times go build ran in this process.
func Compiles() int64 { return compiles.Load() }
