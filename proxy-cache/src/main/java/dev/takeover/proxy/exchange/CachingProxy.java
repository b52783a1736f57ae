package dev.takeover.proxy.exchange;

import dev.takeover.proxy.cache.BodyBuffer;
import dev.takeover.proxy.cache.CacheKey;
import dev.takeover.proxy.cache.CachedObject;
import dev.takeover.proxy.cache.ObjectStore;
import dev.takeover.proxy.cache.policy.CacheControl;
import dev.takeover.proxy.cache.policy.Conditionals;
import dev.takeover.proxy.cache.policy.FreshnessState;
import dev.takeover.proxy.cache.policy.HopByHop;
import dev.takeover.proxy.cache.policy.HttpDates;
import dev.takeover.proxy.cache.policy.Invalidation;
import dev.takeover.proxy.cache.policy.Reuse;
import dev.takeover.proxy.cache.policy.ReuseDecision;
import dev.takeover.proxy.cache.policy.Storability;
import dev.takeover.proxy.cache.policy.StoreDecision;
import dev.takeover.proxy.cache.policy.StoredHeaders;
import dev.takeover.proxy.cache.policy.VarySpec;
import dev.takeover.proxy.upstream.UpstreamClient;
import dev.takeover.proxy.upstream.UpstreamException;
import dev.takeover.proxy.upstream.UpstreamRequest;
import dev.takeover.proxy.upstream.UpstreamResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caching decisions of the proxy (RFC 9111), as an {@link ExchangeRouter}:
 * <ul>
 *   <li>GET and HEAD look in the {@link ObjectStore}: a fresh (or allowed stale) object is served
 *       ({@code X-Cache: HIT}/{@code STALE}); a stale one is revalidated with the origin, and a 304
 *       refreshes its stored fields ({@code REVALIDATED}).</li>
 *   <li>A GET miss fetches the whole object from the origin and streams it to the client while it
 *       fills ({@code MISS}); concurrent misses for one target share that one fetch (a "fill") and
 *       are served from the filling body, when that response is fresh for them. Range and
 *       conditional fields of the client are answered from the object, not forwarded.</li>
 *   <li>A response that may not be stored, or is larger than the object size limit, streams through
 *       ({@code PASS}) with back-pressure, and waiters of its fill fetch on their own.</li>
 *   <li>Other methods pass through with their bodies; a successful unsafe method invalidates the
 *       stored responses of its target (and of its {@code Location}/{@code Content-Location}).</li>
 *   <li>When the origin fails (unreachable, timeout, 5xx) a stale object is served where the stored
 *       response allows it, else 502/504 with a short body.</li>
 * </ul>
 * Thread safe: exchanges arrive on client event loops, origin responses on origin event loops.
 */
public final class CachingProxy implements ExchangeRouter {
    private static final Logger log = LoggerFactory.getLogger(CachingProxy.class);
    /** Fields of the client's request that concern its own copy, answered here, never forwarded on a fill. */
    private static final List<CharSequence> CLIENT_ONLY = List.of(HttpHeaderNames.RANGE, HttpHeaderNames.IF_RANGE,
            HttpHeaderNames.IF_NONE_MATCH, HttpHeaderNames.IF_MODIFIED_SINCE, HttpHeaderNames.IF_MATCH,
            HttpHeaderNames.IF_UNMODIFIED_SINCE);

    private final ObjectStore store;
    private final UpstreamClient upstream;
    private final Clock clock;
    private final long maxObjectSize;
    private final long maxStaleOnErrorMillis;
    private final ConcurrentHashMap<String, Fill> fills = new ConcurrentHashMap<>();

    /**
     * One origin fetch shared by concurrent requests for a target. {@code shared} completes with the object (null when
     * not shareable) once its header block is in; {@code settled} completes once the fill has left {@link #fills},
     * its object stored or not.
     */
    private record Fill(CompletableFuture<CachedObject> shared, CompletableFuture<Void> settled) {
        Fill() {
            this(new CompletableFuture<>(), new CompletableFuture<>());
        }
    }

    private void settle(String target, Fill fill) {
        fills.remove(target, fill);
        fill.settled().complete(null);
    }

    /**
     * @param maxObjectSize         larger responses are passed through, not stored
     * @param maxStaleOnErrorMillis how stale an object may be to stand in for a failing origin, where
     *                              the response does not say ({@code stale-if-error} overrides)
     */
    public CachingProxy(ObjectStore store, UpstreamClient upstream, Clock clock, long maxObjectSize,
                        long maxStaleOnErrorMillis) {
        this.store = store;
        this.upstream = upstream;
        this.clock = clock;
        this.maxObjectSize = maxObjectSize;
        this.maxStaleOnErrorMillis = maxStaleOnErrorMillis;
    }

    @Override
    public void start(Exchange ex) {
        try {
            String target = RequestChecks.target(ex.request());
            HttpMethod method = ex.request().method();
            if (method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD)) {
                fromCache(ex, target);
            } else {
                pass(ex, target);
            }
        } catch (RuntimeException e) {
            log.error("exchange for {} failed", ex.request().uri(), e);
            ex.reply().complete(Replies.error(ex, 500, "internal error"));
        }
    }

    private void fromCache(Exchange ex, String target) {
        HttpHeaders headers = ex.request().headers();
        CachedObject stored = store.lookup(target, headers);
        if (stored != null) {
            switch (reuse(headers, stored)) {
                case ReuseDecision.ServeFresh fresh -> {
                    if (serve(ex, stored, Replies.HIT)) {
                        return;
                    }
                }
                case ReuseDecision.ServeStale stale -> {
                    if (serve(ex, stored, Replies.STALE)) {
                        if (stale.revalidateInBackground()) {
                            fill(null, target, stored, headers.copy());
                        }
                        return;
                    }
                }
                case ReuseDecision.Revalidate revalidate -> {
                    fill(ex, target, stored, headers);
                    return;
                }
            }
        }
        Fill running = fills.get(target);
        if (running != null) {
            // Also a body already complete to its readers but not yet moved into the store.
            join(ex, target, running, null);
        } else if (CacheControl.ofRequest(headers).onlyIfCached()) {
            ex.reply().complete(Replies.error(ex, 504, "not in cache (only-if-cached)"));
        } else if (ex.request().method().equals(HttpMethod.HEAD)) {
            passHead(ex, target);
        } else {
            fill(ex, target, null, headers);
        }
    }

    /**
     * Fetches {@code target} for the cache, or joins the fetch already under way. With {@code stale}
     * the fetch is a revalidation of that object. {@code ex} is null for a background revalidation
     * (stale-while-revalidate), which only updates the store.
     */
    private void fill(Exchange ex, String target, CachedObject stale, HttpHeaders request) {
        Fill fill = new Fill();
        Fill running = fills.putIfAbsent(target, fill);
        if (running != null) {
            if (ex != null) {
                join(ex, target, running, stale);
            }
            return;
        }
        HttpHeaders headers = forwardHeaders(ex, request);
        CLIENT_ONLY.forEach(headers::remove);
        if (stale != null) {
            headers.add(Conditionals.revalidationHeaders(stale.headers()));
        }
        upstream.send(new UpstreamRequest(HttpMethod.GET, target, headers, null)).whenComplete((response, error) -> {
            if (error != null) {
                settle(target, fill);
                fill.shared().completeExceptionally(error);
                if (ex != null) {
                    originFailed(ex, unwrap(error), stale);
                }
            } else {
                try {
                    filled(ex, target, fill, stale, request, response);
                } catch (RuntimeException e) {
                    settle(target, fill);
                    fill.shared().completeExceptionally(e);
                    throw e;
                }
            }
        });
    }

    private void filled(Exchange ex, String target, Fill fill, CachedObject stale, HttpHeaders request,
                        UpstreamResponse response) {
        if (stale != null && response.status() == 304) {
            response.body().release();
            CachedObject updated = stale.withHeaders(StoredHeaders.updateFrom304(stale.headers(), response.headers()),
                    response.requestTime(), response.responseTime());
            if (updated != null) {
                store.put(updated);
            }
            settle(target, fill);
            fill.shared().complete(updated);
            if (ex != null && (updated == null || !serve(ex, updated, Replies.REVALIDATED))) {
                alone(ex, target);
            }
            return;
        }
        if (stale != null && response.status() >= 500 && (ex == null || mayServeStale(ex, stale))) {
            response.body().release();
            settle(target, fill);
            fill.shared().complete(null);
            if (ex != null && !serve(ex, stale, Replies.STALE)) {
                ex.reply().complete(Replies.error(ex, 502, "origin failed and the stale copy is gone"));
            }
            return;
        }
        StoreDecision decision = Storability.decide(HttpMethod.GET, request, response.status(), response.headers());
        CachedObject object = toObject(target, request, response);
        long length = response.body().knownLength();
        if (decision instanceof StoreDecision.Store && length <= maxObjectSize) {
            fill.shared().complete(object);
            keepWhenComplete(target, fill, object);
            if (ex != null && !serve(ex, object, Replies.MISS)) {
                ex.reply().complete(Replies.error(ex, 502, "response was dropped before it could be sent"));
            }
        } else {
            settle(target, fill);
            fill.shared().complete(null);
            if (ex != null) {
                passObject(ex, object);
            } else {
                object.body().release();
            }
        }
    }

    /**
     * Stores a filling object once its body is complete, unless it failed, outgrew the limit, or stopped retaining on
     * the way (the fill budget was spent).
     */
    private void keepWhenComplete(String target, Fill fill, CachedObject object) {
        BodyBuffer body = object.body();
        body.whenReadable(maxObjectSize, () -> {
            if (body.isComplete() && body.failure() == null && body.isRetaining() && body.available() <= maxObjectSize) {
                store.put(object);
            } else {
                body.stopRetaining();
                body.release();
            }
            settle(target, fill);
        });
    }

    /**
     * Serves {@code ex} from a fill under way when the object is fresh for this request. A body that has all arrived
     * but is not yet in the store is decided again once it is, as any stored object would be (a client can ask again
     * in that moment); any other request that cannot share the fill fetches on its own.
     */
    private void join(Exchange ex, String target, Fill running, CachedObject stale) {
        running.shared().whenComplete((object, error) -> {
            if (error != null) {
                originFailed(ex, unwrap(error), stale);
            } else if (object == null || !sameVariant(object, ex.request())) {
                alone(ex, target);
            } else if (reuse(ex.request().headers(), object) instanceof ReuseDecision.ServeFresh) {
                if (!serve(ex, object, Replies.HIT)) {
                    alone(ex, target);
                }
            } else if (allArrived(object.body())) {
                running.settled().thenRun(() -> start(ex));
            } else {
                alone(ex, target);
            }
        });
    }

    /** True when every byte has arrived, before or once the body is marked complete. */
    private static boolean allArrived(BodyBuffer body) {
        long length = body.knownLength(); // the real length once complete
        return length >= 0 && body.available() >= length;
    }

    private static boolean sameVariant(CachedObject object, HttpRequest request) {
        return object.vary().secondaryKey(request.headers()).equals(object.key().variant());
    }

    /** Fetches for this client only, storing nothing: its request could not share a fill. */
    private void alone(Exchange ex, String target) {
        if (ex.request().method().equals(HttpMethod.HEAD)) {
            passHead(ex, target);
            return;
        }
        HttpHeaders headers = forwardHeaders(ex);
        CLIENT_ONLY.forEach(headers::remove);
        upstream.send(new UpstreamRequest(HttpMethod.GET, target, headers, null)).whenComplete((response, error) -> {
            if (error != null) {
                originFailed(ex, unwrap(error), null);
            } else {
                passObject(ex, toObject(target, ex.request().headers(), response));
            }
        });
    }

    private void pass(Exchange ex, String target) {
        HttpHeaders headers = forwardHeaders(ex);
        if (HttpUtil.isTransferEncodingChunked(ex.request())) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, "chunked"); // hop-by-hop, but this hop needs framing
        }
        HttpMethod method = ex.request().method();
        upstream.send(new UpstreamRequest(method, target, headers, ex.body())).whenComplete((response, error) -> {
            if (error != null) {
                originFailed(ex, unwrap(error), null);
                return;
            }
            for (String invalid : Invalidation.targetsToInvalidate(method, target, response.status(), response.headers())) {
                store.invalidate(invalid);
            }
            passObject(ex, toObject(target, ex.request().headers(), response));
        });
    }

    private void passHead(Exchange ex, String target) {
        upstream.send(new UpstreamRequest(HttpMethod.HEAD, target, forwardHeaders(ex), null)).whenComplete((response, error) -> {
            if (error != null) {
                originFailed(ex, unwrap(error), null);
                return;
            }
            CachedObject object = toObject(target, ex.request().headers(), response);
            ex.reply().complete(Replies.headFromOrigin(ex, object, Replies.PASS));
            object.body().release();
        });
    }

    /** Streams an object that will not be stored to this client; the reply's cursor keeps the body. */
    private void passObject(Exchange ex, CachedObject object) {
        object.body().stopRetaining();
        if (!serve(ex, object, Replies.PASS)) {
            ex.reply().complete(Replies.error(ex, 502, "response was dropped before it could be sent"));
        }
        object.body().release();
    }

    private boolean serve(Exchange ex, CachedObject object, String cacheStatus) {
        Reply reply = Replies.fromObject(ex, object, cacheStatus, clock.millis());
        if (reply == null) {
            return false;
        }
        if (!ex.reply().complete(reply)) {
            reply.discard();
        }
        return true;
    }

    private void originFailed(Exchange ex, UpstreamException failure, CachedObject stale) {
        if (stale != null && mayServeStale(ex, stale) && serve(ex, stale, Replies.STALE)) {
            return;
        }
        log.debug("origin failed for {}: {}", ex.request().uri(), failure.getMessage());
        ex.reply().complete(Replies.error(ex, failure.status(), failure.getMessage()));
    }

    private boolean mayServeStale(Exchange ex, CachedObject stale) {
        return Reuse.mayServeStaleOnError(stale.cacheControl(), CacheControl.ofRequest(ex.request().headers()),
                freshness(stale), maxStaleOnErrorMillis);
    }

    /** What the request may have of {@code object} now: served fresh, served stale, or revalidated. */
    private ReuseDecision reuse(HttpHeaders request, CachedObject object) {
        return Reuse.decide(request, object.cacheControl(), freshness(object), true);
    }

    private FreshnessState freshness(CachedObject object) {
        return object.freshness(clock.millis());
    }

    /** The origin's response as an object keyed by the variant this request selects; takes the body's reference. */
    private static CachedObject toObject(String target, HttpHeaders request, UpstreamResponse response) {
        HttpHeaders stored = HopByHop.strip(response.headers());
        if (!stored.contains(HttpHeaderNames.DATE)) {
            stored.set(HttpHeaderNames.DATE, HttpDates.format(response.responseTime()));
        }
        CacheKey key = new CacheKey(target, VarySpec.of(stored).secondaryKey(request));
        return new CachedObject(key, response.status(), response.reason(), stored, response.body(),
                response.requestTime(), response.responseTime());
    }

    private static HttpHeaders forwardHeaders(Exchange ex) {
        return forwardHeaders(ex, ex.request().headers());
    }

    /**
     * The request's end-to-end fields, with {@code X-Forwarded-For} extended when there is a client
     * ({@code ex} is null for background revalidations); {@code Host} is the origin client's to set.
     */
    private static HttpHeaders forwardHeaders(Exchange ex, HttpHeaders request) {
        HttpHeaders headers = HopByHop.strip(request);
        headers.remove(HttpHeaderNames.HOST);
        if (ex != null && ex.client() instanceof InetSocketAddress address && address.getAddress() != null) {
            String client = address.getAddress().getHostAddress();
            String prior = headers.get("X-Forwarded-For");
            headers.set("X-Forwarded-For", prior == null ? client : prior + ", " + client);
        }
        return headers;
    }

    private static UpstreamException unwrap(Throwable error) {
        Throwable t = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return t instanceof UpstreamException u ? u
                : new UpstreamException(UpstreamException.Kind.BROKEN, "origin exchange failed: " + t, t);
    }
}
