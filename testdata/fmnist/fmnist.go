// Package fmnist loads the Fashion-MNIST images from Debian's
// dataset-fashion-mnist package as 784-dimensional float32 vectors, for
// the kNN benchmarks of vecindex, the planner and the server. It imports
// nothing of QuartzDB, so every package's tests may use it.
package fmnist

import (
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// DefaultDir is where Debian's dataset-fashion-mnist package puts the files.
const DefaultDir = "/usr/share/datasets/fashion-mnist"

// Dim is the number of pixels per image, the vectors' dimension.
const Dim = 28 * 28

// ErrMissing is returned (wrapped) when the dataset is not installed;
// `apt-get install dataset-fashion-mnist` provides it.
var ErrMissing = errors.New("fashion-mnist not installed (apt-get install dataset-fashion-mnist)")

// Dir returns the dataset directory: $QUARTZDB_FMNIST_DIR or DefaultDir.
func Dir() string {
	if d := os.Getenv("QUARTZDB_FMNIST_DIR"); d != "" {
		return d
	}
	return DefaultDir
}

// Train returns the 60,000 training images, the benchmarks' base set.
func Train() ([][]float32, error) { return load("train-images-idx3-ubyte.gz") }

// Test returns the 10,000 test images, the benchmarks' queries.
func Test() ([][]float32, error) { return load("t10k-images-idx3-ubyte.gz") }

// load reads an IDX3 file of uint8 pixels (big-endian header: magic 0x803,
// count, rows, cols) into vectors holding the raw pixel values 0..255, as
// ann-benchmarks' fashion-mnist-784-euclidean does.
func load(name string) ([][]float32, error) {
	path := filepath.Join(Dir(), name)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", path, ErrMissing)
	}
	if err != nil {
		return nil, fmt.Errorf("fmnist: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("fmnist: %s: %w", path, err)
	}
	var hdr [4]uint32
	if err := binary.Read(zr, binary.BigEndian, &hdr); err != nil {
		return nil, fmt.Errorf("fmnist: %s header: %w", path, err)
	}
	if hdr[0] != 0x803 || hdr[2]*hdr[3] != Dim {
		return nil, fmt.Errorf("fmnist: %s: not a 28x28 IDX3 image file", path)
	}
	n := int(hdr[1])
	pix := make([]byte, n*Dim)
	if _, err := io.ReadFull(zr, pix); err != nil {
		return nil, fmt.Errorf("fmnist: %s pixels: %w", path, err)
	}
	flat := make([]float32, n*Dim)
	for i, p := range pix {
		flat[i] = float32(p)
	}
	out := make([][]float32, n)
	for i := range out {
		out[i] = flat[i*Dim : (i+1)*Dim : (i+1)*Dim]
	}
	return out, nil
}
