/**
 * The HTTP caching rules of a shared cache (RFC 9111) and the parts of HTTP semantics (RFC 9110) it depends on, as
 * pure functions over netty's {@link io.netty.handler.codec.http.HttpHeaders}.
 *
 * <p>Nothing in this package performs I/O, reads a clock or keeps mutable state: every time is an epoch-millisecond
 * {@code long} passed in by the caller, and every class is safe for concurrent use. Header arguments are only read,
 * never modified; methods that produce headers return new objects. Null arguments are rejected with a
 * {@link java.lang.NullPointerException}; malformed header <em>values</em> never cause an exception, they are treated
 * the way the RFCs ask a tolerant recipient to treat them (documented per method).
 *
 * <p>The cache is a <strong>shared</strong> cache operated as a reverse proxy, so {@code s-maxage},
 * {@code proxy-revalidate} and {@code private} apply, and responses carrying {@code Set-Cookie} are never shared.
 *
 * <p>Outcomes are sealed interfaces with nested records, meant for exhaustive {@code switch}:
 * {@link dev.takeover.proxy.cache.policy.StoreDecision}, {@link dev.takeover.proxy.cache.policy.ReuseDecision},
 * {@link dev.takeover.proxy.cache.policy.RangeDecision}.
 */
package dev.takeover.proxy.cache.policy;
