package io.inferscale.simulator.trace;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadTraceTest {

    @Test
    @DisplayName("CSV rows are piecewise constant and the trace ends at the last row's time")
    void parsesPiecewiseConstant() {
        LoadTrace t = LoadTrace.parseCsv("time_s,rps\n0,10\n60,25.5\n\n# comment\n120,0\n", "t.csv");
        assertThat(t.points()).isEqualTo(3);
        assertThat(t.duration()).isEqualTo(Duration.ofSeconds(120));
        assertThat(t.rpsAt(0)).isEqualTo(10);
        assertThat(t.rpsAt(59_999)).isEqualTo(10);
        assertThat(t.rpsAt(60_000)).isEqualTo(25.5);
        assertThat(t.peakRps()).isEqualTo(25.5);
        assertThat(LoadTrace.parseCsv(t.toCsv(), "again")).isEqualTo(t);
    }

    @Test
    void acceptsSpacesAndByteOrderMark() {
        LoadTrace t = LoadTrace.parseCsv("\uFEFFtime_s, rps\r\n0, 5\r\n30.5 ,5\r\n", "bom.csv");
        assertThat(t.durationMillis()).isEqualTo(30_500);
    }

    @Test
    void wrongHeaderNamesLine() {
        assertThatThrownBy(() -> LoadTrace.parseCsv("t,rps\n0,1\n1,1\n", "x.csv"))
                .isInstanceOf(TraceFormatException.class)
                .hasMessage("x.csv line 1: no time column in the header 't,rps': expected time_s,rps (a rate trace) or a timestamp "
                        + "column named one of timestamp, time, ts, arrival_time, arrival_timestamp, datetime, date_time, created_at, "
                        + "start_time (a request log, one row per request); or name it with --trace-columns time=COLUMN");
    }

    @Test
    void badNumberNamesLineAndColumn() {
        assertThatThrownBy(() -> LoadTrace.parseCsv("time_s,rps\n0,1\n60,lots\n", "x.csv"))
                .isInstanceOf(TraceFormatException.class)
                .hasMessage("x.csv line 3: rps 'lots' is not a number");
    }

    @Test
    void decreasingTimeNamesLine() {
        assertThatThrownBy(() -> LoadTrace.parseCsv("time_s,rps\n0,1\n60,1\n30,2\n", "x.csv"))
                .isInstanceOf(TraceFormatException.class)
                .hasMessage("x.csv line 4: time_s 30 is not after the previous row's 60; rows must be in increasing time order");
    }

    @Test
    void firstRowMustBeAtZero() {
        assertThatThrownBy(() -> LoadTrace.parseCsv("time_s,rps\n10,1\n60,1\n", "x.csv"))
                .hasMessage("x.csv line 2: the first row must be at time_s 0 (found 10)");
    }

    @Test
    void negativeRateAndWrongFieldCount() {
        assertThatThrownBy(() -> LoadTrace.parseCsv("time_s,rps\n0,-1\n60,1\n", "x.csv"))
                .hasMessage("x.csv line 2: rps -1.0 must be a finite number, 0 or more");
        assertThatThrownBy(() -> LoadTrace.parseCsv("time_s,rps\n0,1,2\n60,1\n", "x.csv"))
                .hasMessage("x.csv line 2: expected 2 fields (time_s,rps) but found 3 in '0,1,2'");
    }

    @Test
    void needsTwoRows() {
        assertThatThrownBy(() -> LoadTrace.parseCsv("time_s,rps\n0,1\n", "x.csv"))
                .hasMessage("x.csv: has 1 data row; a load trace needs at least two (the last row's time marks the end)");
        assertThatThrownBy(() -> LoadTrace.parseCsv("", "x.csv"))
                .hasMessage("x.csv: empty; expected a header (time_s,rps for a rate trace, or a timestamp column for a request log) "
                        + "and data rows");
    }

    @Test
    void generators() {
        assertThat(LoadTrace.constant(5, Duration.ofMinutes(10)).rpsAt(300_000)).isEqualTo(5);
        LoadTrace step = LoadTrace.step(10, 50, Duration.ofMinutes(5), Duration.ofMinutes(20));
        assertThat(step.rpsAt(299_999)).isEqualTo(10);
        assertThat(step.rpsAt(300_000)).isEqualTo(50);
        LoadTrace spike = LoadTrace.spike(10, 100, Duration.ofMinutes(2), Duration.ofMinutes(1), Duration.ofMinutes(10));
        assertThat(spike.rpsAt(150_000)).isEqualTo(100);
        assertThat(spike.rpsAt(180_000)).isEqualTo(10);
        LoadTrace day = LoadTrace.diurnal(100, 50, Duration.ofDays(1), Duration.ofHours(14), Duration.ofMinutes(1), Duration.ofDays(1));
        assertThat(day.rpsAt(Duration.ofHours(14).toMillis())).isCloseTo(150, org.assertj.core.data.Offset.offset(0.01));
        assertThat(day.rpsAt(Duration.ofHours(2).toMillis())).isCloseTo(50, org.assertj.core.data.Offset.offset(0.01));
        assertThat(day.duration()).isEqualTo(Duration.ofDays(1));
        assertThatThrownBy(() -> LoadTrace.step(1, 2, Duration.ofMinutes(30), Duration.ofMinutes(20)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
