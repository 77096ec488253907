package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/quartzdb/quartzdb/server"
)

// usage.go is `quartzdb usage`: the admin's view of metered usage, read
// from quartz.usage of a running server like the other admin commands.
//
//	quartzdb usage [--tenant NAME] [--since 24h | --since 2026-11-01T00:00:00Z]

// usageCmd prints per-minute usage, one tenant after another, with a
// total line per tenant.
func usageCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fset := flag.NewFlagSet("usage", flag.ContinueOnError)
	af := addAdminFlags(fset)
	tenant := fset.String("tenant", "", "only this tenant")
	sinceFlag := fset.String("since", "24h", "from this time (RFC 3339) or this long ago (duration)")
	pos, err := parseInterleaved(fset, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return errors.New("usage: quartzdb usage [--tenant NAME] [--since 24h|RFC3339]")
	}
	since, err := server.ParseSince(*sinceFlag, time.Now())
	if err != nil {
		return fmt.Errorf("--since: %w", err)
	}
	conn, err := af.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT tenant, minute, statements, failed, units, rows_read, rows_written,
		distance_computations, bytes_in, bytes_out, sent
		FROM quartz.usage WHERE ($1 = '' OR tenant = $1) AND minute >= $2 ORDER BY tenant, minute`, *tenant, since)
	if err != nil {
		return fmt.Errorf("usage: %w", err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "TENANT\tMINUTE\tSTATEMENTS\tFAILED\tUNITS\tROWS READ\tROWS WRITTEN\tDISTANCES\tBYTES IN\tBYTES OUT\tSENT\t")
	var (
		tn, last                                                  string
		minute                                                    time.Time
		stmts, failed, units, read, written, dists, bytesIn, bout int64
		sent                                                      bool
		total                                                     [2]int64 // statements, units of the tenant so far
	)
	flushTotal := func() {
		if last != "" {
			fmt.Fprintf(tw, "%s\ttotal\t%d\t\t%d\t\t\t\t\t\t\t\n", last, total[0], total[1])
		}
	}
	_, err = pgx.ForEachRow(rows, []any{&tn, &minute, &stmts, &failed, &units, &read, &written, &dists, &bytesIn, &bout, &sent}, func() error {
		if tn != last {
			flushTotal()
			last, total = tn, [2]int64{}
		}
		total[0] += stmts
		total[1] += units
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%v\t\n", tn, minute.UTC().Format("2006-01-02 15:04"),
			stmts, failed, units, read, written, dists, bytesIn, bout, sent)
		return nil
	})
	if err != nil {
		return fmt.Errorf("usage: %w", err)
	}
	flushTotal()
	return tw.Flush()
}
