package sql

// Catalog functions about types, which drivers call while connecting:
// pgvector-go registers its types with to_regtype('vector')::oid, and
// psql and ORMs print column types with format_type.

func evRegisterCatalogFuncs() {
	// to_regtype answers NULL for a type that does not exist, where
	// ::regtype raises 42704.
	evFn("to_regtype", []uint32{OIDText}, OIDRegtype, func(_ *EvalContext, a []Datum) (Datum, error) {
		t, ok := TypeByName(a[0].(string))
		if !ok {
			return nil, nil
		}
		return int64(t.OID), nil
	}).vol = volStable
	// format_type(oid, NULL) is regtypeout's spelling ("character"), a
	// typmod of -1 the bare type ("bpchar"); an unknown OID prints ???.
	evFn("format_type", []uint32{OIDOid, OIDInt4}, OIDText, func(_ *EvalContext, a []Datum) (Datum, error) {
		if a[0] == nil {
			return nil, nil
		}
		oid := uint32(a[0].(int64))
		if _, ok := LookupType(oid); !ok {
			return "???", nil
		}
		if a[1] == nil {
			return regtypeName(oid), nil
		}
		return FormatType(Type{oid, int32(a[1].(int64))}), nil
	}).nonStrict = true
}
