//go:build !amd64

package vecindex

import "unsafe"

// prefetch is a no-op where no assembly version exists.
func prefetch(p *float32) {}

// prefetchLines is a no-op where no assembly version exists.
func prefetchLines(p unsafe.Pointer, n int) {}
