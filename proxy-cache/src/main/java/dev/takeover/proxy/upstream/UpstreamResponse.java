package dev.takeover.proxy.upstream;

import dev.takeover.proxy.cache.BodyBuffer;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * The origin's answer: its header block, and a body that fills as it arrives.
 *
 * @param body          filling; the receiver owns one reference (release it, or hand it to the store)
 * @param requestTime   when the request was sent (epoch ms)
 * @param responseTime  when the header block arrived (epoch ms)
 */
public record UpstreamResponse(int status, String reason, HttpHeaders headers, BodyBuffer body,
                               long requestTime, long responseTime) {}
