package planner

import (
	"fmt"

	"github.com/quartzdb/quartzdb/sql"
)

// catalog_funcs.go is the registry of built-in functions the session
// answers from the catalog (pg_get_indexdef, pg_get_userbyid,
// has_table_privilege, ...): each file that serves catalog relations
// defines the functions reading the same objects, with defineCatalogFunc
// in its init.

// catalogFunc is one such function.
type catalogFunc struct {
	result sql.Type
	// argTypes lists the accepted signatures, one per arity: arguments
	// are cast to them as to a function's declared parameters.
	argTypes [][]sql.Type
	// call evaluates the function; it is not called when an argument is
	// NULL (the functions are strict: NULL in, NULL out).
	call func(x *execCtx, args []sql.Datum) (sql.Datum, error)
}

var catalogFuncs = map[string]*catalogFunc{}

// defineCatalogFunc registers name; signatures are its argument type
// lists, one per arity.
func defineCatalogFunc(name string, result sql.Type, call func(x *execCtx, args []sql.Datum) (sql.Datum, error), signatures ...[]sql.Type) {
	if _, dup := catalogFuncs[name]; dup {
		panic("catalog function " + name + " defined twice")
	}
	catalogFuncs[name] = &catalogFunc{result: result, argTypes: signatures, call: call}
}

// catalogFuncCall builds a call of catalog function f with args, or
// reports that no signature of f takes that many arguments.
func catalogFuncCall(name string, f *catalogFunc, args []sql.Expr) (sql.Expr, error) {
	for _, sig := range f.argTypes {
		if len(sig) != len(args) {
			continue
		}
		cast := make([]sql.Expr, len(args))
		for i, a := range args {
			var err error
			if cast[i], err = castTo(a, sig[i]); err != nil {
				return nil, err
			}
		}
		return sql.NewSessionFunc(name, cast, f.result), nil
	}
	return nil, sql.Errorf(sql.CodeUndefinedFunction, "function %s with %d arguments does not exist", name, len(args)).
		WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
}

// callCatalogFunc evaluates a catalog function for CallSessionFunc.
func callCatalogFunc(x *execCtx, name string, args []sql.Datum) (sql.Datum, bool, error) {
	f, ok := catalogFuncs[name]
	if !ok {
		return nil, false, nil
	}
	v, err := f.call(x, args)
	if err != nil {
		return nil, true, fmt.Errorf("%s: %w", name, err)
	}
	return v, true, nil
}

func init() {
	// pg_get_userbyid names a role; every object here is owned by the
	// bootstrap superuser, whose name is the session's user, or by one
	// of PostgreSQL's predefined roles (public belongs to
	// pg_database_owner).
	defineCatalogFunc("pg_get_userbyid", sql.TypeName, func(x *execCtx, args []sql.Datum) (sql.Datum, error) {
		oid := args[0].(int64)
		if oid == oidBootstrapSuperuser {
			return x.s.opts.User, nil
		}
		for _, r := range predefinedRoles {
			if r.oid == oid {
				return r.name, nil
			}
		}
		return fmt.Sprintf("unknown (OID=%d)", oid), nil
	}, []sql.Type{typeOid})
}
