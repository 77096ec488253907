package testdata_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/quartzdb/quartzdb/server"
)

// BenchmarkMetering measures what metering costs a tenant's prepared point
// selects (issue 6: under 2% of throughput): two servers in the same run,
// alike but for a billing.Meter recording every statement on one, each
// with a tenant key of an unlimited tier, taking turns on 1 and 4
// connections. It prints metered/unmetered ops/s and the cost in percent.
func BenchmarkMetering(b *testing.B) {
	ctx := context.Background()
	sides := []*benchSide{{name: "metered"}, {name: "unmetered"}}
	for i, metered := range []bool{true, false} {
		if err := sides[i].setup(ctx, server.StartTenantTestServer(b, metered), 4); err != nil {
			b.Fatalf("%s setup: %v", sides[i].name, err)
		}
		b.Cleanup(sides[i].close)
	}
	scenarios := []scenario{
		{name: "point-select 1conn", conns: 1, op: pointSelect},
		{name: "point-select 4conn", conns: 4, op: pointSelect},
	}
	runPairs(b, ctx, sides, scenarios, func(sc scenario, rates [2]float64, ratio float64) string {
		return fmt.Sprintf("metering %s: metered %.0f/s unmetered %.0f/s, median ratio of rounds %.3fx (cost %.1f%%)",
			sc.name, rates[0], rates[1], ratio, (1-ratio)*100)
	})
}
