package dev.takeover.loadtest;

import dev.takeover.origin.SyntheticObject;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What a simulation runs against, from system properties set by {@code bin/takeover lab loadtest}:
 * {@code takeover.vips} (comma-separated, required), {@code takeover.duration} (seconds, default 30),
 * {@code takeover.rate} (new virtual users per second, default 20), {@code takeover.size} (download size, default 4m).
 *
 * @param vips     the lab's virtual IPs; users are spread over them
 * @param duration how long new users arrive
 * @param rate     new users per second
 * @param size     the size of each download, in the origin's syntax ({@code 4m})
 */
public record LabTarget(List<String> vips, Duration duration, double rate, String size) {

    static LabTarget fromSystemProperties() {
        String vips = System.getProperty("takeover.vips");
        if (vips == null || vips.isBlank()) {
            throw new IllegalArgumentException("system property takeover.vips (the lab's VIPs) is required");
        }
        return new LabTarget(List.of(vips.split(",")),
                Duration.ofSeconds(Long.getLong("takeover.duration", 30)),
                Double.parseDouble(System.getProperty("takeover.rate", "20")),
                System.getProperty("takeover.size", "4m"));
    }

    /** The VIP of user {@code n}: round robin. */
    String vip(long n) {
        return vips.get((int) (n % vips.size()));
    }

    /** Whether {@code body} is exactly the origin's deterministic content of {@code target}. */
    static boolean intact(String target, byte[] body) {
        SyntheticObject object = SyntheticObject.parse(target).orElseThrow(
                () -> new IllegalArgumentException("not a synthetic object: " + target));
        if (body.length != object.length()) {
            return false;
        }
        byte[] expected = new byte[body.length];
        object.read(0, expected, 0, expected.length);
        return Arrays.equals(body, expected);
    }
}
