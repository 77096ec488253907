package fmnist

import (
	"errors"
	"testing"
)

func TestLoad(t *testing.T) {
	for _, c := range []struct {
		name string
		load func() ([][]float32, error)
		n    int
	}{{"train", Train, 60000}, {"test", Test, 10000}} {
		v, err := c.load()
		if errors.Is(err, ErrMissing) {
			t.Skipf("%v", err)
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(v) != c.n || len(v[0]) != Dim {
			t.Fatalf("%s: %d vectors of %d, want %d of %d", c.name, len(v), len(v[0]), c.n, Dim)
		}
		var nonzero int
		for _, x := range v[0] {
			if x < 0 || x > 255 {
				t.Fatalf("%s: pixel %v outside 0..255", c.name, x)
			}
			if x != 0 {
				nonzero++
			}
		}
		if nonzero == 0 {
			t.Fatalf("%s: first image is blank", c.name)
		}
	}
}
