package dev.takeover.proxy.cache;

/** What the store holds under a key: a response, or the marker saying which fields select a variant. */
sealed interface Stored permits CachedObject, VaryMarker {
    /** Weight in bytes for the store's size bound. */
    long weight();
}
