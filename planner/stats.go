package planner

// stats.go is what the planner tells the server for metering (per
// statement) and monitoring (engine-wide).

// StatementUsage is what statements read, wrote and computed.
type StatementUsage struct {
	RowsRead    int64 // rows scans produced and rows fetched by key or through an index
	RowsWritten int64 // rows inserted, updated or deleted
	Distances   int64 // vector distances evaluated, by expressions and by HNSW searches
}

// TakeUsage returns what the session's statements have read, written and
// computed since the last call, and starts counting afresh. The server
// calls it when a statement completes.
func (s *Session) TakeUsage() StatementUsage {
	u := s.usage
	s.usage = StatementUsage{}
	return u
}

// VectorStats sums the engine's HNSW indexes, for monitoring.
type VectorStats struct {
	Indexes int   // graphs loaded
	Vectors int64 // live vectors in them
	// Searches and Distances count graph searches and their distance
	// computations since start (graphs dropped since included).
	Searches, Distances int64
	// Building is how many CREATE INDEX or REINDEX builds are running;
	// BuildDone of BuildTotal vectors are inserted by them.
	Building              int
	BuildDone, BuildTotal int64
}

// VectorStats returns the engine's HNSW totals.
func (e *Engine) VectorStats() VectorStats {
	vi := e.vec
	vi.mu.Lock()
	graphs := make([]*hnswGraph, 0, len(vi.byKey))
	for _, h := range vi.byKey {
		graphs = append(graphs, h)
	}
	st := VectorStats{Indexes: len(graphs), Searches: vi.pastSearches, Distances: vi.pastDistances}
	vi.mu.Unlock()
	for _, h := range graphs {
		select {
		case <-h.loaded:
		default:
			continue // still loading: its graph is not published yet
		}
		if h.err != nil {
			continue
		}
		searches, dists := h.g.SearchStats()
		st.Vectors += int64(h.g.Len())
		st.Searches += searches
		st.Distances += dists
		if total := h.buildTotal.Load(); total > 0 {
			st.Building++
			st.BuildDone += h.buildDone.Load()
			st.BuildTotal += total
		}
	}
	return st
}

// forgetGraphLocked keeps a graph's search totals when it leaves byKey, so
// the engine's counters never go back. Called with vi.mu held.
func (vi *vectorIndexes) forgetGraphLocked(h *hnswGraph) {
	select {
	case <-h.loaded:
	default:
		return
	}
	if h.err != nil {
		return
	}
	searches, dists := h.g.SearchStats()
	vi.pastSearches += searches
	vi.pastDistances += dists
}
