package billing

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"
	"unsafe"
)

// The journal is where Record puts a statement's usage: a fixed-size file
// mapped MAP_SHARED, used as a ring of fixed-size records. A store into a
// shared mapping lands in the kernel's page cache at once, so once Append
// returns the record survives a kill -9 of the process with no syscall
// and no fsync; the flusher moves records into the Pebble ledger (whose
// commits are synced) every FlushInterval, so a power loss or kernel
// crash loses at most the records appended since the last flush.
//
// File layout: a 4096-byte header (magic, version, record size, capacity)
// then capacity records of journalRecSize bytes. Record seq s (s >= 1,
// increasing forever, also across restarts) lives in slot s % capacity.
//
// Record layout (native byte order: the file never leaves its machine):
//
//	  0 seq       uint64  0 while being filled, stored last (atomically)
//	  8 crc       uint32  CRC-32C of bytes 12 up to the end of the strings
//	 12 flags     uint8   bit 0: rate limited
//	 13 lengths   uint8 × 5: tenant, database, key id, kind, sqlstate
//	 24 counters  int64 × 9: units, rows read, rows written, distances,
//	              bytes in, bytes out, cpu ns, wall ns, unix nanos
//	 96 seq copy  uint64  binds the CRC to the seq
//	104 strings   tenant, database, key id, kind, sqlstate, packed; each
//	              cut to its maximum, so at most 198 bytes
//
// The CRC covers only the bytes in use: it is most of Append's cost.
const (
	journalMagic   = "QZUSAGEJ"
	journalVersion = 1
	journalHdrSize = 4096
	journalRecSize = 320

	offSeq      = 0
	offCRC      = 8
	offFlags    = 12
	offLens     = 13
	offCounters = 24
	offSeqCopy  = 96
	offStrings  = 104

	flagRateLimited = 1

	// closedBit is set in journal.next by close: a reservation that
	// sees it writes nothing.
	closedBit = uint64(1) << 63

	minJournalRecords = 16
)

// stringMax bounds each string field, in the order they are packed:
// tenant and database names are at most 63 bytes, key ids 12, command
// words short, SQLSTATEs 5.
var stringMax = [5]int{63, 63, 32, 32, 8}

var (
	castagnoli = crc32.MakeTable(crc32.Castagnoli)
	ne         = binary.NativeEndian
)

// journalRecord is one decoded record.
type journalRecord struct {
	Seq   uint64
	Units int64
	Usage Usage
}

// journal is the mapped ring. Any number of goroutines may append; one
// reader (the meter's flusher, serialised by the meter) collects and
// releases.
type journal struct {
	f    *os.File
	mem  []byte
	cap  uint64
	path string

	// next is the last reserved seq (closedBit once closed).
	next atomic.Uint64
	// released: every seq <= released is in the ledger, so its slot
	// may be reused.
	released atomic.Uint64
	// lastReserved is next's value when close was called.
	lastReserved atomic.Uint64

	// Appenders that find the ring full wait on cond; releases broadcast
	// only when waiters says someone waits, keeping release cheap.
	waiters atomic.Int32
	mu      sync.Mutex
	cond    *sync.Cond
	// onFull, if set, is called (without locks) by an appender about to
	// wait, and by the one that fills the ring half, to make the reader
	// drain now.
	onFull func()
}

// openJournal opens the journal at path, creating it with capacity
// records if it does not exist (an existing file keeps its own
// capacity). It returns every intact record with a seq above checkpoint,
// in seq order: those appended but not yet in the ledger. A slot left
// half-written by a crash fails its CRC (or still has seq 0) and is
// skipped; that statement was in flight. Appends continue after the
// highest seq seen, so seqs never repeat.
//
// The recovered records' slots must not be reused before they are in
// the ledger: the caller aggregates them before it lets anyone append.
func openJournal(path string, capacity int, checkpoint uint64) (*journal, []journalRecord, error) {
	if capacity < minJournalRecords {
		return nil, nil, fmt.Errorf("usage journal: %d records is too small (minimum %d)", capacity, minJournalRecords)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("usage journal: %w", err)
	}
	// Two processes appending to one ring would overwrite each other;
	// the lock goes with the process, however it ends.
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("usage journal %s: in use by another process: %w", path, err)
	}
	j, recs, err := mapJournal(f, path, uint64(capacity), checkpoint)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return j, recs, nil
}

func mapJournal(f *os.File, path string, capacity, checkpoint uint64) (*journal, []journalRecord, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("usage journal %s: %w", path, err)
	}
	created := st.Size() == 0
	if !created {
		if st.Size() < journalHdrSize {
			return nil, nil, fmt.Errorf("usage journal %s: truncated header (%d bytes)", path, st.Size())
		}
		hdr := make([]byte, 24)
		if _, err := f.ReadAt(hdr, 0); err != nil {
			return nil, nil, fmt.Errorf("usage journal %s: %w", path, err)
		}
		switch string(hdr[:8]) {
		case journalMagic:
			if v, rs := binary.LittleEndian.Uint32(hdr[8:]), binary.LittleEndian.Uint32(hdr[12:]); v != journalVersion || rs != journalRecSize {
				return nil, nil, fmt.Errorf("usage journal %s: version %d with %d-byte records, want %d and %d", path, v, rs, journalVersion, journalRecSize)
			}
			capacity = binary.LittleEndian.Uint64(hdr[16:])
			if capacity < minJournalRecords || st.Size() != int64(journalHdrSize+capacity*journalRecSize) {
				return nil, nil, fmt.Errorf("usage journal %s: size %d does not match its %d records", path, st.Size(), capacity)
			}
		case "\x00\x00\x00\x00\x00\x00\x00\x00":
			// Created, but the process died before the header was
			// synced: no record can have been appended yet.
			created = true
		default:
			return nil, nil, fmt.Errorf("usage journal %s: not a usage journal", path)
		}
	}
	size := int64(journalHdrSize + capacity*journalRecSize)
	if created {
		// Sparse: pages are allocated as the ring first reaches them.
		if err := f.Truncate(0); err != nil {
			return nil, nil, fmt.Errorf("usage journal %s: %w", path, err)
		}
		if err := f.Truncate(size); err != nil {
			return nil, nil, fmt.Errorf("usage journal %s: %w", path, err)
		}
	}
	mem, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, fmt.Errorf("usage journal %s: mmap: %w", path, err)
	}
	j := &journal{f: f, mem: mem, cap: capacity, path: path}
	j.cond = sync.NewCond(&j.mu)
	if created {
		copy(mem, journalMagic)
		binary.LittleEndian.PutUint32(mem[8:], journalVersion)
		binary.LittleEndian.PutUint32(mem[12:], journalRecSize)
		binary.LittleEndian.PutUint64(mem[16:], capacity)
		// The header must outlive a power loss, or the next open would
		// not recognise the file.
		if err := f.Sync(); err != nil {
			syscall.Munmap(mem)
			return nil, nil, fmt.Errorf("usage journal %s: %w", path, err)
		}
	}

	last := checkpoint
	var recs []journalRecord
	for i := uint64(0); i < capacity; i++ {
		rec := j.slot(i)
		seq := ne.Uint64(rec[offSeq:])
		if seq == 0 || seq%capacity != i || seq >= closedBit>>1 {
			continue // empty, or not a seq this slot could hold
		}
		// Even a slot failing its CRC may carry a seq stored before a
		// power loss tore the page: never hand that seq out again.
		last = max(last, seq)
		if seq <= checkpoint || !recordIntact(rec, seq) {
			continue
		}
		recs = append(recs, decodeRecord(rec, seq))
	}
	sort.Slice(recs, func(a, b int) bool { return recs[a].Seq < recs[b].Seq })
	j.next.Store(last)
	j.released.Store(last)
	return j, recs, nil
}

func (j *journal) slot(i uint64) []byte {
	off := journalHdrSize + i*journalRecSize
	return j.mem[off : off+journalRecSize : off+journalRecSize]
}

func seqWord(rec []byte) *uint64 { return (*uint64)(unsafe.Pointer(&rec[offSeq])) }

// stringsEnd is the end of rec's packed strings, or -1 if a length is
// out of bounds (a torn record).
func stringsEnd(rec []byte) int {
	end := offStrings
	for i, m := range stringMax {
		n := int(rec[offLens+i])
		if n > m {
			return -1
		}
		end += n
	}
	return end
}

// recordIntact reports whether rec is a whole record for seq: its CRC
// holds and covers that seq.
func recordIntact(rec []byte, seq uint64) bool {
	end := stringsEnd(rec)
	return end >= 0 && ne.Uint64(rec[offSeqCopy:]) == seq &&
		ne.Uint32(rec[offCRC:]) == crc32.Update(0, castagnoli, rec[offFlags:end])
}

// append records u at unix nanos at, costing units. It reports false,
// writing nothing, once the journal is closed. It waits while the ring
// is full: unread records are never overwritten.
func (j *journal) append(u *Usage, units, at int64) bool {
	seq := j.next.Add(1)
	if seq&closedBit != 0 {
		return false
	}
	switch released := j.released.Load(); {
	case seq > released+j.cap:
		j.waitSpace(seq)
	case seq == released+j.cap/2 && j.onFull != nil:
		// Half full: have the reader drain now, before writers wait.
		j.onFull()
	}
	rec := j.slot(seq % j.cap)
	p := seqWord(rec)
	// Unpublish first: until the final store, a reader or a recovery
	// must not take this slot's old contents for seq.
	atomic.StoreUint64(p, 0)

	var flags byte
	if u.RateLimited {
		flags |= flagRateLimited
	}
	rec[offFlags] = flags
	end := offStrings
	for i, str := range [5]string{u.Tenant, u.Database, u.KeyID, u.Kind, u.SQLState} {
		n := putString(rec[end:end+stringMax[i]], str)
		rec[offLens+i] = byte(n)
		end += n
	}
	c := rec[offCounters : offCounters+72]
	ne.PutUint64(c[0:], uint64(units))
	ne.PutUint64(c[8:], uint64(u.RowsRead))
	ne.PutUint64(c[16:], uint64(u.RowsWritten))
	ne.PutUint64(c[24:], uint64(u.Distances))
	ne.PutUint64(c[32:], uint64(u.BytesIn))
	ne.PutUint64(c[40:], uint64(u.BytesOut))
	ne.PutUint64(c[48:], uint64(u.CPU))
	ne.PutUint64(c[56:], uint64(u.Wall))
	ne.PutUint64(c[64:], uint64(at))
	ne.PutUint64(rec[offSeqCopy:], seq)
	ne.PutUint32(rec[offCRC:], crc32.Update(0, castagnoli, rec[offFlags:end]))
	atomic.StoreUint64(p, seq)
	return true
}

// putString copies s into dst, cut at a UTF-8 boundary if too long, and
// returns the length stored.
func putString(dst []byte, s string) int {
	if len(s) > len(dst) {
		n := len(dst)
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n]
	}
	return copy(dst, s)
}

func (j *journal) waitSpace(seq uint64) {
	if j.onFull != nil {
		j.onFull()
	}
	// The reader usually frees space within a flush; a short spin
	// avoids parking for the common brief stall.
	for i := 0; i < 64; i++ {
		if seq <= j.released.Load()+j.cap {
			return
		}
		runtime.Gosched()
	}
	j.waiters.Add(1)
	j.mu.Lock()
	for seq > j.released.Load()+j.cap {
		j.cond.Wait()
	}
	j.mu.Unlock()
	j.waiters.Add(-1)
}

// reserved is the highest seq handed out so far.
func (j *journal) reserved() uint64 {
	n := j.next.Load()
	if n&closedBit != 0 {
		return j.lastReserved.Load()
	}
	return n
}

// collect calls fn for each published record after seq after, in seq
// order, stopping at the first slot not yet published or after max
// records. It returns the last seq passed to fn (after if none). rec is
// only valid during the call.
func (j *journal) collect(after uint64, limit int, fn func(seq uint64, rec []byte)) uint64 {
	for n := 0; n < limit; n++ {
		seq := after + 1
		rec := j.slot(seq % j.cap)
		if atomic.LoadUint64(seqWord(rec)) != seq {
			break
		}
		fn(seq, rec)
		after = seq
	}
	return after
}

// release lets appenders reuse the slots of every seq <= seq, which must
// be durably in the ledger.
func (j *journal) release(seq uint64) {
	j.released.Store(seq)
	if j.waiters.Load() > 0 {
		j.mu.Lock()
		j.cond.Broadcast()
		j.mu.Unlock()
	}
}

// close stops new appends (they report false) and returns the last seq
// handed out: the reader should collect up to it before unmap.
func (j *journal) close() uint64 {
	old := j.next.Load()
	for old&closedBit == 0 {
		if j.next.CompareAndSwap(old, old|closedBit) {
			j.lastReserved.Store(old)
			return old
		}
		old = j.next.Load()
	}
	return j.lastReserved.Load()
}

// unmap releases the mapping and the file. Only after close and once no
// appender can still be filling a slot.
func (j *journal) unmap() error {
	err := syscall.Munmap(j.mem)
	j.mem = nil
	if cerr := j.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("usage journal %s: %w", j.path, err)
	}
	return nil
}

// decodeRecord reads a published, intact record.
func decodeRecord(rec []byte, seq uint64) journalRecord {
	var strs [5]string
	off := offStrings
	for i := range strs {
		n := int(rec[offLens+i])
		strs[i] = string(rec[off : off+n])
		off += n
	}
	c := rec[offCounters : offCounters+72]
	i64 := func(k int) int64 { return int64(ne.Uint64(c[8*k:])) }
	return journalRecord{
		Seq:   seq,
		Units: i64(0),
		Usage: Usage{
			Tenant:      strs[0],
			Database:    strs[1],
			KeyID:       strs[2],
			Kind:        strs[3],
			SQLState:    strs[4],
			RowsRead:    i64(1),
			RowsWritten: i64(2),
			Distances:   i64(3),
			BytesIn:     i64(4),
			BytesOut:    i64(5),
			CPU:         time.Duration(i64(6)),
			Wall:        time.Duration(i64(7)),
			At:          time.Unix(0, i64(8)).UTC(),
			RateLimited: rec[offFlags]&flagRateLimited != 0,
		},
	}
}
