package sql

import "sort"

// AllTypes lists every type QuartzDB knows in OID order, for pg_type.
func AllTypes() []*TypeInfo {
	out := make([]*TypeInfo, 0, len(typesByOID))
	for _, ti := range typesByOID {
		out = append(out, ti)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].OID < out[j].OID })
	return out
}
