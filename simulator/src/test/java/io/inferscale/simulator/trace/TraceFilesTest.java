package io.inferscale.simulator.trace;

import io.inferscale.simulator.Decimals;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

@DisplayName("Trace files: request logs, timestamp columns, per-minute rates, every problem at once")
class TraceFilesTest {

    private static LoadTrace read(String csv, TraceOptions options) {
        return LoadTrace.read(new StringReader(csv), "t.csv", options);
    }

    private static final TraceOptions TEN_SECONDS = TraceOptions.DEFAULTS.withBucket(Duration.ofSeconds(10));

    @Nested
    @DisplayName("a request log")
    class RequestLogs {

        @Test
        @DisplayName("in the Azure form is counted per bucket from its first request, with tokens per second")
        void azureForm() {
            LoadTrace t = read("TIMESTAMP,ContextTokens,GeneratedTokens\r\n"
                    + "2023-11-16 18:15:46.6805900,374,44\r\n"
                    + "2023-11-16 18:15:50.9951690,396,109\r\n"
                    + "2023-11-16 18:15:56.6805899,10,1\r\n"
                    + "2023-11-16 18:15:56.6805900,20,2\r\n"
                    + "2023-11-16 18:16:17.0000000,100,50\r\n", TEN_SECONDS);
            // buckets of 10 s from 18:15:46.680: [0,10) has 3 requests, [10,20) 1, [20,30) none, [30,40) 1
            assertThat(t.points()).isEqualTo(5);
            assertThat(t.duration()).isEqualTo(Duration.ofSeconds(40));
            assertThat(t.rps(0)).isEqualTo(0.3);
            assertThat(t.rps(1)).isEqualTo(0.1);
            assertThat(t.rps(2)).isZero();
            assertThat(t.rps(3)).isEqualTo(0.1);
            assertThat(t.totalRequests()).isCloseTo(5, within(1e-9));
            assertThat(t.tokensInPerSecond(0)).isEqualTo((374 + 396 + 10) / 10.0);
            assertThat(t.tokensOutPerSecond(1)).isEqualTo(0.2);
            assertThat(t.hasInputTokens()).isTrue();
        }

        @Test
        @DisplayName("takes epoch seconds, epoch milliseconds and ISO date-times with zones")
        void epochAndZones() {
            LoadTrace seconds = read("ts\n1700000000\n1700000001.5\n1700000012\n", TEN_SECONDS);
            LoadTrace millis = read("ts\n1700000000000\n1700000001500\n1700000012000\n", TEN_SECONDS);
            LoadTrace zoned = read("arrival_time\n2023-11-14T22:13:20Z\n2023-11-15T00:13:21.5+02:00\n2023-11-14T22:13:32Z\n", TEN_SECONDS);
            assertThat(seconds).isEqualTo(millis).isEqualTo(zoned);
            assertThat(seconds.rps(0)).isEqualTo(0.2);
            assertThat(seconds.rps(1)).isEqualTo(0.1);
            assertThat(seconds.hasInputTokens()).isFalse();
        }

        @Test
        @DisplayName("has as many requests (rate x time, summed) as rows, whatever the bucket")
        void sumOfDemandIsTheRowCount() {
            String log = "time\n" + IntStream.range(0, 1000).mapToObj(i -> String.valueOf(1_000 + i * 0.37 + (i % 7) * 0.01))
                    .collect(Collectors.joining("\n"));
            for (int seconds : new int[] {1, 7, 15, 60, 3600}) {
                LoadTrace t = read(log, TraceOptions.DEFAULTS.withBucket(Duration.ofSeconds(seconds)));
                assertThat(t.totalRequests()).as("bucket %d s", seconds).isCloseTo(1000, within(1e-6));
            }
        }

        @Test
        @DisplayName("names its columns with TraceColumns when the header does not")
        void namedColumns() {
            LoadTrace t = read("when,in,out\n0,5,6\n3,7,8\n", TEN_SECONDS.withColumns(TraceColumns.parse("time=when,tokens_in=in,tokens_out=out")));
            assertThat(t.rps(0)).isEqualTo(0.2);
            assertThat(t.tokensInPerSecond(0)).isEqualTo(1.2);
            assertThatThrownBy(() -> read("when,in\n0,5\n", TEN_SECONDS.withColumns(TraceColumns.parse("time=at"))))
                    .hasMessage("t.csv line 1: no column 'at' (--trace-columns time=at) in the header 'when,in'");
            assertThatThrownBy(() -> TraceColumns.parse("time=a,speed=b")).hasMessage("unknown key 'speed': use time, rate, tokens_in, tokens_out");
            assertThatThrownBy(() -> TraceColumns.parse("time")).hasMessage("'time' must be KEY=COLUMN, e.g. time=TIMESTAMP");
        }

        @Test
        @DisplayName("reports every problem with its line: unsorted, unparseable, negative tokens, wrong field count")
        void everyProblem() {
            assertThatThrownBy(() -> read("timestamp,prompt_tokens\n"
                    + "2023-11-16 18:15:46.68,10\n"
                    + "2023-11-16 18:15:40,10\n"
                    + "yesterday,10\n"
                    + "2023-11-16 18:15:47,-3\n"
                    + "2023-11-16 18:15:48,ten\n"
                    + "2023-11-16 18:15:49\n"
                    + "2023-11-16 25:15:49,1\n", TEN_SECONDS))
                    .isInstanceOf(TraceFormatException.class)
                    .hasMessage("t.csv line 3: timestamp 2023-11-16 18:15:40 is before the previous row's 2023-11-16 18:15:46.68; "
                            + "a request log must be sorted by time\n"
                            + "t.csv line 4: timestamp 'yesterday' is neither an ISO-8601 date-time (e.g. 2023-11-16 18:15:46.6805900 "
                            + "or 2023-11-16T18:15:46Z) nor epoch seconds or milliseconds\n"
                            + "t.csv line 5: prompt_tokens -3 must be a finite number of tokens, 0 or more\n"
                            + "t.csv line 6: prompt_tokens 'ten' is not a number\n"
                            + "t.csv line 7: expected 2 fields (timestamp,prompt_tokens) but found 1 in '2023-11-16 18:15:49'\n"
                            + "t.csv line 8: timestamp '2023-11-16 25:15:49' is not an ISO-8601 date-time (e.g. 2023-11-16 "
                            + "18:15:46.6805900 or 2023-11-16T18:15:46Z)");
        }

        @Test
        @DisplayName("rejects a rate unit, an empty log and a stray timestamp that would need millions of buckets")
        void rejects() {
            assertThatThrownBy(() -> read("ts\n1\n", TEN_SECONDS.withUnit(TraceUnit.PER_MINUTE)))
                    .hasMessageStartingWith("t.csv line 1: a unit (--trace-unit per-minute) applies to a rate trace");
            assertThatThrownBy(() -> read("ts\n# nothing yet\n", TEN_SECONDS))
                    .hasMessage("t.csv: has no requests; a request log needs at least one row after its header");
            assertThatThrownBy(() -> read("ts\n0\n100000000\n", TraceOptions.DEFAULTS.withBucket(Duration.ofSeconds(1))))
                    .hasMessage("t.csv line 3: ts 100000000 is 100000000 s after the first request: more than 10000000 buckets "
                            + "of 1000 ms; use longer buckets (simulate --step)");
        }
    }

    @Nested
    @DisplayName("a rate trace")
    class RateTraces {

        @Test
        @DisplayName("with a timestamp column instead of time_s is rebased to 0")
        void timestampColumn() {
            LoadTrace t = read("timestamp,rps\n2026-01-01T08:00:00Z,10\n2026-01-01T08:10:00Z,30\n2026-01-01T09:00:00Z,30\n",
                    TraceOptions.DEFAULTS);
            assertThat(t).isEqualTo(LoadTrace.of(new double[] {0, 600, 3600}, new double[] {10, 30, 30}));
        }

        @Test
        @DisplayName("of per-minute counts is divided by 60, by option or by an rpm column")
        void perMinute() {
            LoadTrace byOption = read("time_s,rps\n0,600\n60,1200\n120,0\n", TraceOptions.DEFAULTS.withUnit(TraceUnit.PER_MINUTE));
            LoadTrace byName = read("time,rpm\n1700000000,600\n1700000060,1200\n1700000120,0\n", TraceOptions.DEFAULTS);
            assertThat(byOption).isEqualTo(byName).isEqualTo(LoadTrace.of(new double[] {0, 60, 120}, new double[] {10, 20, 0}));
            assertThat(TraceUnit.parse("per-minute")).isEqualTo(TraceUnit.PER_MINUTE);
            assertThatThrownBy(() -> TraceUnit.parse("hourly")).hasMessage("'hourly' is not a trace unit: use per-second or per-minute");
        }

        @Test
        @DisplayName("reports every problem with its line, not only the first")
        void everyProblem() {
            assertThatThrownBy(() -> read("time_s,rps\n0,1\n60,-2\n30,1\nabc,\"x\"\n90,1,1\n", TraceOptions.DEFAULTS))
                    .hasMessage("t.csv line 3: rps -2.0 must be a finite number, 0 or more\n"
                            + "t.csv line 4: time_s 30 is not after the previous row's 60; rows must be in increasing time order\n"
                            + "t.csv line 5: time_s 'abc' is not a number\n"
                            + "t.csv line 5: rps 'x' is not a number\n"
                            + "t.csv line 6: expected 2 fields (time_s,rps) but found 3 in '90,1,1'");
        }

        @Test
        @DisplayName("caps the list at 20 problems and counts the rest")
        void capsTheList() {
            String rows = IntStream.range(0, 25).mapToObj(i -> (i * 60) + ",-1").collect(Collectors.joining("\n"));
            assertThatThrownBy(() -> read("time_s,rps\n" + rows + "\n", TraceOptions.DEFAULTS))
                    .satisfies(e -> assertThat(e.getMessage().lines()).hasSize(21)
                            .startsWith("t.csv line 2: rps -1.0 must be a finite number, 0 or more")
                            .endsWith("... and 5 more problems"));
        }
    }

    @Test
    @DisplayName("numbers print as %.3f without trailing zeros, ties included, without String.format")
    void decimals() {
        java.util.Random random = new java.util.Random(14);
        for (int i = 0; i < 200_000; i++) {
            double v = switch (i % 4) {
                case 0 -> random.nextDouble() * 1000;
                case 1 -> Math.round(random.nextDouble() * 1_000_000) / 2000.0 + (i % 8 == 1 ? 0.0005 : 0);
                case 2 -> -random.nextDouble() * 10;
                default -> random.nextInt(100_000) / 1000.0 + 0.0005;
            };
            String expected = String.format(java.util.Locale.ROOT, "%.3f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
            if (v == Math.rint(v)) {
                expected = Long.toString((long) v);
            }
            assertThat(Decimals.format(v)).as("%s", v).isEqualTo(expected);
        }
    }
}
