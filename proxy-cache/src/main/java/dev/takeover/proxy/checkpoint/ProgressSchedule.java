package dev.takeover.proxy.checkpoint;

/**
 * When the next progress checkpoint of a long response is due: after {@code interval} or after the
 * byte step, whichever comes first. The byte step is the configured step at 1 MiB/s scaled by the
 * measured send rate, so a fast transfer is not checkpointed every few milliseconds, and capped at
 * 1 GiB so a position is always well within the 2^32 sequence space of the last checkpoint.
 *
 * <p>Time is passed in (nanoseconds), never read here. Not thread safe: one connection's thread.
 */
final class ProgressSchedule {
    private static final double REFERENCE_RATE = 1 << 20;
    static final long MAX_STEP = 1L << 30;

    private final long intervalNanos;
    private final long byteStep;
    private long lastNanos;
    private long lastBytes;
    private double rate = REFERENCE_RATE; // bytes per second, smoothed

    ProgressSchedule(long intervalNanos, long byteStep, long nowNanos, long bytes) {
        this.intervalNanos = intervalNanos;
        this.byteStep = byteStep;
        this.lastNanos = nowNanos;
        this.lastBytes = bytes;
    }

    /** The byte step at the current rate. */
    long step() {
        return (long) Math.min(MAX_STEP, byteStep * Math.max(1.0, rate / REFERENCE_RATE));
    }

    boolean due(long nowNanos, long bytes) {
        return nowNanos - lastNanos >= intervalNanos || bytes - lastBytes >= step();
    }

    /** A checkpoint was taken at {@code bytes}: measure the rate since the last one and restart. */
    void checkpointed(long nowNanos, long bytes) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            double measured = (bytes - lastBytes) * 1e9 / elapsed;
            rate = 0.5 * rate + 0.5 * measured;
        }
        lastNanos = nowNanos;
        lastBytes = bytes;
    }
}
