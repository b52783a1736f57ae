package dev.takeover.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The {@code checkpoint} section: how a node records the progress of client transfers so that another node can
 * resume them after a takeover. The whole section is optional.
 *
 * <pre>{@code
 * checkpoint:
 *   enabled: true
 *   interval: 200ms
 *   byte-step: 8m
 *   replication: batched
 *   linger: 20ms
 * }</pre>
 *
 * <p>A long transfer is checkpointed when either step is reached since its last checkpoint: {@code interval} of
 * time, or {@code byteStep} scaled by the transfer's measured rate (so a fast transfer is not checkpointed on
 * every few packets and a slow one still is within a bounded time). Immutable and thread-safe.
 *
 * @param enabled     key {@code checkpoint.enabled}, default true: whether connections are checkpointed at all.
 *                    Without checkpoints a dead node's VIPs still move to a survivor, but its connections are reset
 *                    (an address-only failover, as keepalived does: the baseline the load tests compare with).
 * @param interval    key {@code checkpoint.interval}, default 200ms: the time step between progress checkpoints of a
 *                    long transfer.
 * @param byteStep    key {@code checkpoint.byte-step}, default 8m: the byte step between checkpoints for a transfer
 *                    running at 1 MiB/s, scaled by the measured rate.
 * @param replication key {@code checkpoint.replication}, default {@code batched}: {@code sync} waits until the
 *                    other nodes hold a checkpoint before continuing, one transaction per checkpoint; {@code batched}
 *                    waits for them before each response's first byte too, but writes the checkpoints of every
 *                    connection in one transaction at a time (the same guarantee, two to four times the requests/s
 *                    of {@code sync} in {@code docs/BENCHMARKS.md}); {@code async} does not wait, trading a window
 *                    of lost progress for latency.
 * @param linger      key {@code checkpoint.linger}, default 20ms, at most 1s: with {@code batched} or {@code async},
 *                    the longest the writer waits for more checkpoints before it writes the queued ones (it waits
 *                    four times as long as its last write took, from 2 ms up to this; a response waiting for its
 *                    checkpoint cuts the wait short). Longer: fewer, larger transactions under load; under
 *                    {@code async} also that much more progress a crash can lose. {@code 2ms}: always 2 ms.
 */
public record CheckpointConfig(boolean enabled, Duration interval, ByteSize byteStep, Replication replication,
                               Duration linger) {

    /** Default of {@code checkpoint.enabled}. */
    public static final boolean DEFAULT_ENABLED = true;
    /** Default of {@code checkpoint.interval}. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(200);
    /** Default of {@code checkpoint.byte-step}. */
    public static final ByteSize DEFAULT_BYTE_STEP = ByteSize.ofMib(8);
    /** Default of {@code checkpoint.replication}. */
    public static final Replication DEFAULT_REPLICATION = Replication.BATCHED;
    /** Default of {@code checkpoint.linger}. */
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(20);
    /** The longest {@code checkpoint.linger} accepted. */
    public static final Duration MAX_LINGER = Duration.ofSeconds(1);

    /** The section with every key at its default. */
    public static final CheckpointConfig DEFAULTS = new CheckpointConfig(DEFAULT_ENABLED, DEFAULT_INTERVAL,
            DEFAULT_BYTE_STEP, DEFAULT_REPLICATION, DEFAULT_LINGER);

    /**
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code interval}, {@code byteStep} or {@code linger} is not positive, or
     *                                  {@code linger} is over {@link #MAX_LINGER}
     */
    public CheckpointConfig {
        Config.requirePositive(interval, "interval");
        Config.requirePositive(byteStep, "byteStep");
        Objects.requireNonNull(replication, "replication");
        Config.requirePositive(linger, "linger");
        if (linger.compareTo(MAX_LINGER) > 0) {
            throw new IllegalArgumentException("linger must be at most " + MAX_LINGER + ", was " + linger);
        }
    }

    /** How checkpoints reach the other nodes; written in lower case in the cluster file. */
    public enum Replication {
        /** The writer waits until the other nodes hold the checkpoint. */
        SYNC,
        /**
         * Checkpoints queue and are written in batches, one transaction for all the connections queued meanwhile (a
         * group commit); a response's first byte waits until its checkpoint is written while the request's ACK is
         * held, as under {@link #SYNC}.
         */
        BATCHED,
        /** The writer continues at once; the checkpoint reaches the other nodes shortly after. */
        ASYNC;

        /** @return the cluster-file spelling: {@code sync}, {@code batched} or {@code async} */
        public String configValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
