package vecindex

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"math/rand/v2"
	"sync/atomic"
)

// snapshot.go: persistence of the graph arrays.
//
// Format (little-endian), version 1:
//
//	magic "QZHNSW\x00\x01", version u32,
//	dim u32, metric u32, m u32, ef_construction u32, seed u64,
//	seq u64 (the storage sequence the snapshot covers),
//	slots u32 (slots ever allocated), entry u64 (level<<32|slot, or all ones),
//	per slot: id u64, level u8, flags u8, level-0 list (count u32 + slots),
//	          one list per upper level 1..level, vector (dim × f32);
//	free-list length u32 + slots,
//	CRC-32C u32 of everything before it.
//
// Lists are written compactly (count then that many slots), so a snapshot
// is about dim·4 + 8 + 4·(1+links) bytes per node. ReadSnapshot checks every
// count against its list's capacity, every slot number against the slot
// count, the entry point, the free list (unique, not tombstoned), and ids
// (no live id twice) while it reads, and the checksum at the end; it
// allocates chunks only as slot data actually arrives, so a corrupt or
// truncated snapshot yields an error, never a panic or a huge allocation.

var snapMagic = [8]byte{'Q', 'Z', 'H', 'N', 'S', 'W', 0, 1}

const snapVersion = 1

// ErrCorrupt is returned (wrapped) for a snapshot that fails validation.
var ErrCorrupt = errors.New("vecindex: corrupt snapshot")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// WriteSnapshot writes the index to w tagged with seq, the storage
// sequence number whose effects it includes. Inserts, deletes and Purge
// wait while it runs; searches do not.
func (ix *Index) WriteSnapshot(w io.Writer, seq uint64) error {
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	ix.structMu.RLock()
	defer ix.structMu.RUnlock()
	s := ix.getSearcher()
	defer ix.putSearcher(s)

	e := &encoder{w: w, buf: make([]byte, 0, 1<<16)}
	e.bytes(snapMagic[:])
	e.u32(snapVersion)
	e.u32(uint32(ix.dim))
	e.u32(uint32(ix.cfg.Metric))
	e.u32(uint32(ix.m))
	e.u32(uint32(ix.cfg.EfConstruction))
	e.u64(ix.cfg.Seed)
	e.u64(seq)
	ix.allocMu.Lock()
	n := ix.next
	free := append([]uint32(nil), ix.free...)
	ix.allocMu.Unlock()
	e.u32(n)
	e.u64(ix.ep.Load())
	for c := uint32(0); c < n && e.err == nil; c++ {
		ch := s.tab[c>>ix.shift]
		j := c & ix.mask
		level := int(ch.level[j])
		e.u64(ch.ids[j])
		e.u8(uint8(level))
		e.u8(uint8(atomic.LoadUint32(&ch.flags[j]) & flagDeleted))
		for l := 0; l <= level; l++ {
			ll := ix.links(s, c, l)
			cnt := loadCount(ll)
			e.u32(uint32(cnt))
			for i := 1; i <= cnt; i++ {
				e.u32(atomic.LoadUint32(&ll[i]))
			}
		}
		for _, x := range ix.vec(s.tab, c) {
			e.u32(math.Float32bits(x))
		}
	}
	e.u32(uint32(len(free)))
	for _, f := range free {
		e.u32(f)
	}
	e.flush()
	if e.err != nil {
		return fmt.Errorf("vecindex: write snapshot: %w", e.err)
	}
	var sum [4]byte
	binary.LittleEndian.PutUint32(sum[:], e.crc)
	if _, err := w.Write(sum[:]); err != nil {
		return fmt.Errorf("vecindex: write snapshot: %w", err)
	}
	return nil
}

// encoder buffers output and checksums it as it is flushed.
type encoder struct {
	w   io.Writer
	buf []byte
	crc uint32
	err error
}

func (e *encoder) flush() {
	if e.err == nil && len(e.buf) > 0 {
		e.crc = crc32.Update(e.crc, castagnoli, e.buf)
		_, e.err = e.w.Write(e.buf)
	}
	e.buf = e.buf[:0]
}

func (e *encoder) room(n int) {
	if len(e.buf)+n > cap(e.buf) {
		e.flush()
	}
}
func (e *encoder) bytes(b []byte) { e.room(len(b)); e.buf = append(e.buf, b...) }
func (e *encoder) u8(v uint8)     { e.room(1); e.buf = append(e.buf, v) }
func (e *encoder) u32(v uint32)   { e.room(4); e.buf = binary.LittleEndian.AppendUint32(e.buf, v) }
func (e *encoder) u64(v uint64)   { e.room(8); e.buf = binary.LittleEndian.AppendUint64(e.buf, v) }

// decoder reads and checksums input; the first error sticks.
type decoder struct {
	r   *bufio.Reader
	crc uint32
	err error
	b   [8]byte
}

func (d *decoder) read(n int) []byte {
	if d.err != nil {
		return d.b[:n]
	}
	if _, err := io.ReadFull(d.r, d.b[:n]); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		d.err = err
		return d.b[:n]
	}
	d.crc = crc32.Update(d.crc, castagnoli, d.b[:n])
	return d.b[:n]
}
func (d *decoder) u8() uint8   { return d.read(1)[0] }
func (d *decoder) u32() uint32 { return binary.LittleEndian.Uint32(d.read(4)) }
func (d *decoder) u64() uint64 { return binary.LittleEndian.Uint64(d.read(8)) }

// corrupt records a validation failure.
func (d *decoder) corrupt(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: "+format, append([]any{ErrCorrupt}, args...)...)
	}
}

// ReadSnapshot reads an index written by WriteSnapshot and the sequence
// number it was tagged with. Any malformed, truncated or checksum-failing
// input is an error wrapping ErrCorrupt or the read error.
func ReadSnapshot(r io.Reader) (*Index, uint64, error) {
	d := &decoder{r: bufio.NewReaderSize(r, 1<<16)}
	var magic [8]byte
	copy(magic[:], d.read(8))
	if d.err == nil && magic != snapMagic {
		d.corrupt("bad magic")
	}
	if v := d.u32(); d.err == nil && v != snapVersion {
		d.corrupt("unsupported version %d", v)
	}
	dim, metric, m, efc := d.u32(), d.u32(), d.u32(), d.u32()
	seed, seq := d.u64(), d.u64()
	n, epv := d.u32(), d.u64()
	if d.err != nil {
		return nil, 0, snapErr(d.err)
	}
	if metric > uint32(MetricL1) || dim > MaxDim || m > MaxM || efc > MaxEfConstruction {
		return nil, 0, snapErr(fmt.Errorf("%w: bad configuration", ErrCorrupt))
	}
	ix, err := New(Config{Dim: int(dim), Metric: Metric(metric), M: int(m), EfConstruction: int(efc), Seed: seed})
	if err != nil || int(m) != ix.m || int(efc) != ix.cfg.EfConstruction {
		return nil, 0, snapErr(fmt.Errorf("%w: bad configuration", ErrCorrupt))
	}
	if n == math.MaxUint32 {
		return nil, 0, snapErr(fmt.Errorf("%w: slot count", ErrCorrupt))
	}
	ix.rng = rand.New(rand.NewPCG(seed^uint64(n), seed^0x9e3779b97f4a7c15))
	var live, deleted int64
	for c := uint32(0); c < n && d.err == nil; c++ {
		id, level, flags := d.u64(), int(d.u8()), d.u8()
		if d.err != nil {
			break
		}
		if level > maxLevels || flags > flagDeleted {
			d.corrupt("slot %d: level %d, flags %d", c, level, flags)
			break
		}
		ix.growTo(c)
		tab := *ix.chunks.Load()
		ch := tab[c>>ix.shift]
		j := c & ix.mask
		ch.ids[j], ch.level[j], ch.flags[j] = id, uint8(level), uint32(flags)
		if level > 0 {
			ch.upperOff[j] = ix.allocUpper(level * ix.strideU)
			ch.ucap[j] = uint8(level)
		}
		utab := *ix.arena.Load()
		for l := 0; l <= level && d.err == nil; l++ {
			ll := ix.list(tab, utab, c, l)
			cnt := d.u32()
			if d.err == nil && cnt > uint32(len(ll)-1) {
				d.corrupt("slot %d level %d: %d links", c, l, cnt)
			}
			for i := 1; i <= int(cnt) && d.err == nil; i++ {
				x := d.u32()
				if d.err == nil && (x >= n || x == c) {
					d.corrupt("slot %d level %d: link to %d", c, l, x)
				}
				ll[i] = x
			}
			ll[0] = cnt
		}
		v := ix.vec(tab, c)
		for i := range v {
			v[i] = math.Float32frombits(d.u32())
		}
	}
	var isFree []bool
	if d.err == nil {
		isFree = make([]bool, n)
		nf := d.u32()
		if d.err == nil && nf > n {
			d.corrupt("free list of %d for %d slots", nf, n)
		}
		for i := uint32(0); i < nf && d.err == nil; i++ {
			f := d.u32()
			switch {
			case d.err != nil:
			case f >= n || isFree[f]:
				d.corrupt("free slot %d", f)
			default:
				isFree[f] = true
				ix.free = append(ix.free, f)
			}
		}
	}
	if d.err != nil {
		return nil, 0, snapErr(d.err)
	}
	want := d.crc
	var sum [4]byte
	if _, err := io.ReadFull(d.r, sum[:]); err != nil {
		return nil, 0, snapErr(fmt.Errorf("checksum: %w", err))
	}
	if binary.LittleEndian.Uint32(sum[:]) != want {
		return nil, 0, snapErr(fmt.Errorf("%w: checksum mismatch", ErrCorrupt))
	}

	// Links must point at slots holding nodes of at least that level.
	tab := *ix.chunks.Load()
	utab := *ix.arena.Load()
	for c := uint32(0); c < n; c++ {
		for l := ix.nodeLevel(tab, c); l >= 0; l-- {
			ll := ix.list(tab, utab, c, l)
			for _, x := range ll[1 : 1+ll[0]] {
				if isFree[x] || ix.nodeLevel(tab, x) < l {
					return nil, 0, snapErr(fmt.Errorf("%w: slot %d level %d links to %d", ErrCorrupt, c, l, x))
				}
			}
		}
	}
	// Ids: tombstones first, so a live node wins the mapping.
	for pass := 0; pass < 2; pass++ {
		for c := uint32(0); c < n; c++ {
			if isFree[c] {
				if ix.isDeleted(tab, c) {
					return nil, 0, snapErr(fmt.Errorf("%w: free slot %d is a tombstone", ErrCorrupt, c))
				}
				continue
			}
			del := ix.isDeleted(tab, c)
			id := ix.callerID(tab, c)
			switch {
			case pass == 0 && del:
				ix.idmap[id] = c
				deleted++
			case pass == 1 && !del:
				if old, ok := ix.idmap[id]; ok && !ix.isDeleted(tab, old) {
					return nil, 0, snapErr(fmt.Errorf("%w: id %d twice", ErrCorrupt, id))
				}
				ix.idmap[id] = c
				live++
			}
		}
	}
	if epv != epEmpty {
		level, ep := unpackEP(epv)
		if ep >= n || isFree[ep] || level != ix.nodeLevel(tab, ep) {
			return nil, 0, snapErr(fmt.Errorf("%w: entry point", ErrCorrupt))
		}
	} else if live+deleted > 0 {
		return nil, 0, snapErr(fmt.Errorf("%w: nodes without an entry point", ErrCorrupt))
	}
	ix.next = n
	ix.ep.Store(epv)
	ix.live.Store(live)
	ix.deleted.Store(deleted)
	return ix, seq, nil
}

func snapErr(err error) error { return fmt.Errorf("vecindex: read snapshot: %w", err) }
