package io.meshgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WrkTest {

    private static final String OUTPUT =
            """
            Running 2s test @ http://127.0.0.1:41000/
              1 threads and 16 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency   244.06us   94.24us   3.27ms   93.21%
            WRK_JSON {"requests":120000,"durationUs":2000000,"bytes":18000000,\
            "errors":{"connect":0,"read":2,"write":0,"status":3,"timeout":1},\
            "latencyUs":{"mean":244.1,"stdev":94.2,"max":3270,"p50":230,"p90":310,"p99":610,"p999":1900}}
            Requests/sec:  60000.00
            """;

    @Test
    void readsTheSummaryLineOfTheLuaScript() {
        Wrk.Summary summary = Wrk.parse(OUTPUT).orElseThrow();

        assertThat(summary.requestsPerSecond()).isEqualTo(60_000.0);
        assertThat(summary.latencyUs().p50()).isEqualTo(230);
        assertThat(summary.latencyUs().p99()).isEqualTo(610);
        assertThat(summary.errors().total()).isEqualTo(6);
        assertThat(summary.errors().describe()).isEqualTo("2 read, 3 status>=400, 1 timeout");
    }

    @Test
    void findsNoSummaryWhenWrkPrintedNone() {
        assertThat(Wrk.parse("unable to connect to 127.0.0.1:1 Connection refused"))
                .isEmpty();
    }
}
