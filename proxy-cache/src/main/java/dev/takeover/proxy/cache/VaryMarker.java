package dev.takeover.proxy.cache;

import dev.takeover.proxy.cache.policy.VarySpec;

/** Stored under a target's primary key when its responses vary: the variants live under secondary keys. */
record VaryMarker(VarySpec vary) implements Stored {
    @Override
    public long weight() {
        return 64;
    }
}
