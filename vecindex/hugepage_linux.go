package vecindex

import (
	"syscall"
	"unsafe"
)

// adviseHuge asks the kernel to back [p, p+n) with transparent huge pages
// (MADV_HUGEPAGE; it matters when THP is in "madvise" mode, the common
// default). Best effort: an error only means small pages.
func adviseHuge(p unsafe.Pointer, n uintptr) {
	_ = syscall.Madvise(unsafe.Slice((*byte)(p), n), syscall.MADV_HUGEPAGE)
}
