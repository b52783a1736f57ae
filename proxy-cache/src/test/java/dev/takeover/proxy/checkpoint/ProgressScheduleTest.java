package dev.takeover.proxy.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Progress checkpoints come by time or by bytes, whichever first; the byte step follows the rate. */
class ProgressScheduleTest {
    private static final long MS = 1_000_000;
    private static final long MIB = 1 << 20;

    @Test
    void timeAloneMakesACheckpointDue() {
        ProgressSchedule s = new ProgressSchedule(200 * MS, 8 * MIB, 0, 0);
        assertThat(s.due(199 * MS, 1000)).isFalse();
        assertThat(s.due(200 * MS, 1000)).isTrue();
    }

    @Test
    void bytesAloneMakeACheckpointDueBeforeTheInterval() {
        ProgressSchedule s = new ProgressSchedule(10_000 * MS, 8 * MIB, 0, 0);
        assertThat(s.due(MS, 8 * MIB - 1)).isFalse();
        assertThat(s.due(MS, 8 * MIB)).isTrue();
    }

    @Test
    void theByteStepGrowsWithTheMeasuredRateAndIsCapped() {
        ProgressSchedule s = new ProgressSchedule(10_000 * MS, 8 * MIB, 0, 0);
        assertThat(s.step()).isEqualTo(8 * MIB);
        long now = 0;
        long bytes = 0;
        for (int i = 0; i < 10; i++) { // 100 MiB every 100 ms: about 1000 MiB/s
            now += 100 * MS;
            bytes += 100 * MIB;
            s.checkpointed(now, bytes);
        }
        assertThat(s.step()).isGreaterThan(100 * 8 * MIB).isLessThanOrEqualTo(ProgressSchedule.MAX_STEP);
        for (int i = 0; i < 10; i++) { // then a trickle: the step comes back down
            now += 1000 * MS;
            bytes += 1000;
            s.checkpointed(now, bytes);
        }
        assertThat(s.step()).isEqualTo(8 * MIB);
    }
}
