package sql

import (
	"slices"
	"testing"
)

// opaqueExpr stands for a planner node this package cannot look into.
type opaqueExpr struct{ Const }

func TestColumnsRead(t *testing.T) {
	col := func(i int) Expr { return &ColRef{Index: i, Typ: TypeInt8} }
	one := &Const{Typ: TypeInt8, Value: int64(1)}
	must := func(e Expr, err error) Expr {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	tests := []struct {
		name      string
		e         Expr
		cols      []int
		known     bool
		readsRows bool
	}{
		{"constant", one, nil, true, false},
		{"column", col(3), []int{3}, true, true},
		{"operator", must(NewBinaryOp("+", col(0), col(2))), []int{0, 2}, true, true},
		{"nested", must(NewCoalesce([]Expr{must(NewBinaryOp("*", col(4), one)), col(1)})), []int{1, 4}, true, true},
		{"function of constants", must(NewFunc("abs", []Expr{one})), nil, true, false},
		{"opaque", &opaqueExpr{}, nil, false, true},
		{"opaque inside", must(NewBinaryOp("+", col(1), &opaqueExpr{Const{Typ: TypeInt8, Value: int64(2)}})), []int{1}, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cols, known := ColumnsRead(tc.e)
			slices.Sort(cols)
			if !slices.Equal(cols, tc.cols) || known != tc.known {
				t.Fatalf("ColumnsRead = %v, %v; want %v, %v", cols, known, tc.cols, tc.known)
			}
			if got := ReferencesColumns(tc.e); got != tc.readsRows {
				t.Fatalf("ReferencesColumns = %v, want %v", got, tc.readsRows)
			}
		})
	}
}
