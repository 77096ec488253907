package testdata

import (
	"fmt"
	"strings"
)

// diffContext is how many unchanged lines surround each change in a hunk.
const diffContext = 3

// maxDiffCells bounds the LCS table; beyond it the changed middle is shown
// as wholly removed and added, which is still correct, just less minimal.
const maxDiffCells = 4 << 20

// op is one line of an edit script.
type op struct {
	kind byte // ' ', '-' or '+'
	line string
}

// Diff returns a unified diff of a (named aName) against b (named bName),
// line by line, or "" when they are equal. It is meant for humans reading
// a failed test, so it favours clarity over minimality on huge inputs.
func Diff(aName, a, bName, b string) string {
	if a == b {
		return ""
	}
	al, bl := splitLines(a), splitLines(b)
	ops := editScript(al, bl)
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", aName, bName)
	writeHunks(&sb, ops)
	if !strings.HasSuffix(a, "\n") != !strings.HasSuffix(b, "\n") {
		sb.WriteString("(the two differ in their final newline)\n")
	}
	return sb.String()
}

// splitLines splits s into lines without their terminators; a final
// newline does not make an empty last line.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	s = strings.TrimSuffix(s, "\n")
	return strings.Split(s, "\n")
}

// editScript computes a shortest edit script from a to b: the common prefix
// and suffix are kept, and the middle is aligned by longest common
// subsequence.
func editScript(a, b []string) []op {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ops := make([]op, 0, len(a)+len(b))
	for _, l := range a[:pre] {
		ops = append(ops, op{' ', l})
	}
	ops = append(ops, lcsOps(a[pre:len(a)-suf], b[pre:len(b)-suf])...)
	for _, l := range a[len(a)-suf:] {
		ops = append(ops, op{' ', l})
	}
	return ops
}

// lcsOps aligns a and b by dynamic programming over their LCS.
func lcsOps(a, b []string) []op {
	n, m := len(a), len(b)
	var ops []op
	if n*m > maxDiffCells || n == 0 || m == 0 {
		for _, l := range a {
			ops = append(ops, op{'-', l})
		}
		for _, l := range b {
			ops = append(ops, op{'+', l})
		}
		return ops
	}
	// t[i][j] is the LCS length of a[i:] and b[j:].
	t := make([][]int32, n+1)
	for i := range t {
		t[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			switch {
			case a[i] == b[j]:
				t[i][j] = t[i+1][j+1] + 1
			case t[i+1][j] >= t[i][j+1]:
				t[i][j] = t[i+1][j]
			default:
				t[i][j] = t[i][j+1]
			}
		}
	}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			ops = append(ops, op{' ', a[i]})
			i++
			j++
		case t[i+1][j] >= t[i][j+1]:
			ops = append(ops, op{'-', a[i]})
			i++
		default:
			ops = append(ops, op{'+', b[j]})
			j++
		}
	}
	for ; i < n; i++ {
		ops = append(ops, op{'-', a[i]})
	}
	for ; j < m; j++ {
		ops = append(ops, op{'+', b[j]})
	}
	return ops
}

// writeHunks prints the changed regions of ops with diffContext lines of
// context and @@ -start,count +start,count @@ headers (1-based lines).
func writeHunks(sb *strings.Builder, ops []op) {
	// aLine[k] and bLine[k] are the 1-based line numbers op k starts at.
	aLine := make([]int, len(ops)+1)
	bLine := make([]int, len(ops)+1)
	aLine[0], bLine[0] = 1, 1
	for k, o := range ops {
		aLine[k+1], bLine[k+1] = aLine[k], bLine[k]
		if o.kind != '+' {
			aLine[k+1]++
		}
		if o.kind != '-' {
			bLine[k+1]++
		}
	}
	k := 0
	for k < len(ops) {
		if ops[k].kind == ' ' {
			k++
			continue
		}
		start := max(0, k-diffContext)
		// Extend the hunk while the next change is within 2*context lines.
		end := k
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*diffContext {
				end = min(end+diffContext, len(ops))
				break
			}
			end = run
		}
		var aCount, bCount int
		for _, o := range ops[start:end] {
			if o.kind != '+' {
				aCount++
			}
			if o.kind != '-' {
				bCount++
			}
		}
		fmt.Fprintf(sb, "@@ -%d,%d +%d,%d @@\n", aLine[start], aCount, bLine[start], bCount)
		for _, o := range ops[start:end] {
			sb.WriteByte(o.kind)
			sb.WriteString(o.line)
			sb.WriteByte('\n')
		}
		k = end
	}
}
