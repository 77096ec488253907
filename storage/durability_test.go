package storage

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"

	"github.com/quartzdb/quartzdb/sql"
)

const durabilityEnv = "QUARTZDB_STORAGE_DURABILITY_DIR"

// TestDurabilityChild is the child half of TestDurabilityAfterKill: it
// commits rows one by one and prints each id once Commit returned. It does
// nothing unless re-executed by the parent.
func TestDurabilityChild(t *testing.T) {
	dir := os.Getenv(durabilityEnv)
	if dir == "" {
		t.Skip("only runs as the child of TestDurabilityAfterKill")
	}
	db, err := Open(dir)
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	td := setupTable(t, db)
	ctx := context.Background()
	fmt.Printf("TABLE %d %d %d\n", td.DBID, td.SchemaID, td.ID)
	for i := int64(1); ; i++ {
		txn := db.Begin(ReadCommitted)
		if err := txn.InsertRow(ctx, td, []sql.Datum{i, "v" + strconv.FormatInt(i, 10), i * 2}); err != nil {
			fmt.Println("ERR", err)
			os.Exit(1)
		}
		if err := txn.Commit(ctx); err != nil {
			fmt.Println("ERR", err)
			os.Exit(1)
		}
		// Acknowledge only after Commit returned, as the server sends
		// CommandComplete.
		fmt.Printf("ACK %d\n", i)
	}
}

func TestDurabilityAfterKill(t *testing.T) {
	if os.Getenv(durabilityEnv) != "" {
		t.Skip("child process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestDurabilityChild$", "-test.v")
	cmd.Env = append(os.Environ(), durabilityEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	var dbID, schemaID, tableID uint32
	var acked []int64
	for sc.Scan() && len(acked) < 100 {
		line := sc.Text()
		if _, err := fmt.Sscanf(line, "TABLE %d %d %d", &dbID, &schemaID, &tableID); err == nil {
			continue
		}
		var id int64
		if _, err := fmt.Sscanf(line, "ACK %d", &id); err == nil {
			acked = append(acked, id)
			continue
		}
		if len(line) > 3 && line[:3] == "ERR" {
			t.Fatalf("child: %s", line)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if len(acked) < 100 || tableID == 0 {
		t.Fatalf("child acknowledged only %d rows (table %d)", len(acked), tableID)
	}

	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	txn := db.Begin(ReadCommitted)
	defer txn.Rollback()
	td, err := txn.TableByID(ctx, tableID)
	if err != nil || td == nil {
		t.Fatalf("table after crash: %v %v", td, err)
	}
	for _, id := range acked {
		r, err := txn.GetRowByPK(ctx, td, []sql.Datum{id})
		if err != nil {
			t.Fatal(err)
		}
		if r == nil || r[1] != "v"+strconv.FormatInt(id, 10) || r[2] != id*2 {
			t.Errorf("acknowledged row %d lost or wrong: %v", id, r)
		}
	}
	// New inserts continue without key clashes (sequences, ids).
	if err := txn.InsertRow(ctx, td, []sql.Datum{int64(-1), "after", nil}); err != nil {
		t.Fatal(err)
	}
	mustCommit(t, txn)
}
