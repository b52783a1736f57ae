package dev.takeover.proxy.exchange;

/** Decides how an exchange is answered: from the cache, from the origin, or with an error. */
@FunctionalInterface
public interface ExchangeRouter {
    /**
     * Starts work on {@code exchange} and returns at once; the work completes
     * {@link Exchange#reply()} later, from any thread. Must not throw: failures become error replies.
     */
    void start(Exchange exchange);
}
