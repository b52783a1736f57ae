package dev.takeover.config;

import java.time.Duration;

/**
 * The {@code failure-detection} section: how fast the cluster notices a dead node, which bounds how long clients of
 * that node wait before another node takes over their VIPs. Each value feeds a JGroups protocol of the generated
 * stack (see {@link JGroupsStack}). The whole section is optional.
 *
 * <pre>{@code
 * failure-detection:
 *   heartbeat-interval: 75ms
 *   timeout: 300ms
 *   verify-timeout: 100ms
 *   join-timeout: 500ms
 * }</pre>
 *
 * <p>A silent node is suspected after about {@code timeout} and removed after a further {@code verifyTimeout}.
 * Immutable and thread-safe.
 *
 * @param heartbeatInterval key {@code failure-detection.heartbeat-interval}, default 75ms: how often each node
 *                          sends a heartbeat (JGroups {@code FD_ALL3.interval}).
 * @param timeout           key {@code failure-detection.timeout}, default 300ms: a node from which nothing was heard
 *                          for this long is suspected (JGroups {@code FD_ALL3.timeout}). Must be greater than
 *                          {@code heartbeat-interval}.
 * @param verifyTimeout     key {@code failure-detection.verify-timeout}, default 100ms: how long a suspected node has
 *                          to answer before it is excluded (JGroups {@code VERIFY_SUSPECT2.timeout}).
 * @param joinTimeout       key {@code failure-detection.join-timeout}, default 500ms: how long a starting node waits
 *                          for the coordinator to accept its join request (JGroups {@code GMS.join_timeout}).
 */
public record FailureDetectionConfig(Duration heartbeatInterval, Duration timeout, Duration verifyTimeout,
        Duration joinTimeout) {

    /** Default of {@code failure-detection.heartbeat-interval}. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofMillis(75);
    /** Default of {@code failure-detection.timeout}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(300);
    /** Default of {@code failure-detection.verify-timeout}. */
    public static final Duration DEFAULT_VERIFY_TIMEOUT = Duration.ofMillis(100);
    /** Default of {@code failure-detection.join-timeout}. */
    public static final Duration DEFAULT_JOIN_TIMEOUT = Duration.ofMillis(500);

    /** The section with every key at its default. */
    public static final FailureDetectionConfig DEFAULTS = new FailureDetectionConfig(DEFAULT_HEARTBEAT_INTERVAL,
            DEFAULT_TIMEOUT, DEFAULT_VERIFY_TIMEOUT, DEFAULT_JOIN_TIMEOUT);

    /**
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if a duration is not positive or {@code timeout <= heartbeatInterval}
     */
    public FailureDetectionConfig {
        Config.requirePositive(heartbeatInterval, "heartbeatInterval");
        Config.requirePositive(timeout, "timeout");
        Config.requirePositive(verifyTimeout, "verifyTimeout");
        Config.requirePositive(joinTimeout, "joinTimeout");
        if (timeout.compareTo(heartbeatInterval) <= 0) {
            throw new IllegalArgumentException(
                    "timeout " + timeout + " must be greater than heartbeatInterval " + heartbeatInterval);
        }
    }

    /**
     * The longest a dead node goes unnoticed: silent for {@code timeout}, seen so at the next check, one
     * {@code heartbeatInterval} later, then excluded after {@code verifyTimeout}.
     */
    public Duration longestDetection() {
        return timeout.plus(heartbeatInterval).plus(verifyTimeout);
    }
}
