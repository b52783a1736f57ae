package dev.takeover.config;

import java.time.Duration;

/** Argument checks shared by the config records. */
final class Config {

    private Config() {
    }

    static Duration requirePositive(Duration value, String name) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
        return value;
    }

    static ByteSize requirePositive(ByteSize value, String name) {
        if (value.bytes() == 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
        return value;
    }
}
