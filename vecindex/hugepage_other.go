//go:build !linux

package vecindex

import "unsafe"

// adviseHuge is a no-op where transparent huge pages are not available.
func adviseHuge(p unsafe.Pointer, n uintptr) {}
