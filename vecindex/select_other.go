//go:build !amd64

package vecindex

// availableKernels lists the sets this CPU can run: only portable Go off
// amd64.
func availableKernels() []*kernelSet {
	return []*kernelSet{&goKernels}
}
