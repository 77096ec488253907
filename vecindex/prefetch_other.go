//go:build !amd64

package vecindex

// prefetch is a no-op where no assembly version exists.
func prefetch(p *float32) {}
