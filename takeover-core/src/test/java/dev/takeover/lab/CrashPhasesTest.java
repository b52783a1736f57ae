package dev.takeover.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CrashPhasesTest {

    @Test
    void requestsAreSplitByWhereTheyStandAgainstTheCrash() {
        long crash = 10_000;
        List<CrashPhases.Request> rs = List.of(
                new CrashPhases.Request(1_000, 1_010, true),   // before
                new CrashPhases.Request(9_000, 9_990, true),   // before: ended just before
                new CrashPhases.Request(9_500, 11_500, true),  // during: in flight at the crash
                new CrashPhases.Request(12_000, 12_100, false), // during: started within the window
                new CrashPhases.Request(15_000, 15_020, true));  // after

        List<CrashPhases.Phase> phases = CrashPhases.split(rs, crash, 5_000);

        assertThat(phases).extracting(CrashPhases.Phase::name).containsExactly("before", "during", "after");
        assertThat(phases.get(0)).isEqualTo(new CrashPhases.Phase("before", 2, 0, 10, 990, 990, 990));
        assertThat(phases.get(1)).isEqualTo(new CrashPhases.Phase("during", 2, 1, 100, 2_000, 2_000, 2_000));
        assertThat(phases.get(2)).isEqualTo(new CrashPhases.Phase("after", 1, 0, 20, 20, 20, 20));
    }

    @Test
    void nearestRankPercentilesAndEmptyPhases() {
        long[] sorted = new long[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = i + 1;
        }
        assertThat(CrashPhases.percentile(sorted, 50)).isEqualTo(50);
        assertThat(CrashPhases.percentile(sorted, 99)).isEqualTo(99);
        assertThat(CrashPhases.percentile(new long[0], 99)).isZero();
        assertThat(CrashPhases.split(List.of(), 1, 1)).allSatisfy(p -> assertThat(p.requests()).isZero());
    }

    @Test
    void linesParseAndMalformedOnesAreNamed() {
        assertThat(CrashPhases.parse(List.of("1,2,1", "3,4,0"))).containsExactly(
                new CrashPhases.Request(1, 2, true), new CrashPhases.Request(3, 4, false));
        assertThatThrownBy(() -> CrashPhases.parse(List.of("1,2"))).hasMessageContaining("1,2");
    }
}
