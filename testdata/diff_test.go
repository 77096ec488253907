package testdata

import (
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want string
	}{
		{name: "equal", a: "x\ny\n", b: "x\ny\n", want: ""},
		{
			name: "one line changed",
			a:    "1\n2\n3\n",
			b:    "1\nX\n3\n",
			want: "--- a\n+++ b\n@@ -1,3 +1,3 @@\n 1\n-2\n+X\n 3\n",
		},
		{
			name: "insertion keeps context to three lines",
			a:    "1\n2\n3\n4\n5\n6\n7\n8\n9\n",
			b:    "1\n2\n3\n4\n5\nnew\n6\n7\n8\n9\n",
			want: "--- a\n+++ b\n@@ -3,6 +3,7 @@\n 3\n 4\n 5\n+new\n 6\n 7\n 8\n",
		},
		{
			name: "two distant changes make two hunks",
			a:    "a\n1\n2\n3\n4\n5\n6\n7\n8\nb\n",
			b:    "A\n1\n2\n3\n4\n5\n6\n7\n8\nB\n",
			want: "--- a\n+++ b\n@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n 3\n@@ -7,4 +7,4 @@\n 6\n 7\n 8\n-b\n+B\n",
		},
		{
			name: "deletion at end",
			a:    "1\n2\n",
			b:    "1\n",
			want: "--- a\n+++ b\n@@ -1,2 +1,1 @@\n 1\n-2\n",
		},
		{
			name: "missing final newline is reported",
			a:    "1\n",
			b:    "1",
			want: "--- a\n+++ b\n(the two differ in their final newline)\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Diff("a", tt.a, "b", tt.b)
			if got != tt.want {
				t.Errorf("Diff() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestDiffAppliesBack checks the edit script on inputs with repeated lines:
// keeping ' ' and '-' lines must give a, keeping ' ' and '+' lines must give b.
func TestDiffAppliesBack(t *testing.T) {
	pairs := [][2]string{
		{"a\nb\na\nc\na\n", "b\na\na\nc\n"},
		{"x\nx\nx\n", "y\nx\ny\nx\n"},
		{"", "only\nnew\n"},
		{"gone\n", ""},
	}
	for _, p := range pairs {
		ops := editScript(splitLines(p[0]), splitLines(p[1]))
		var a, b []string
		for _, o := range ops {
			if o.kind != '+' {
				a = append(a, o.line)
			}
			if o.kind != '-' {
				b = append(b, o.line)
			}
		}
		if got := strings.Join(a, "\n"); got != strings.TrimSuffix(p[0], "\n") {
			t.Errorf("old side of %q = %q", p, got)
		}
		if got := strings.Join(b, "\n"); got != strings.TrimSuffix(p[1], "\n") {
			t.Errorf("new side of %q = %q", p, got)
		}
	}
}
