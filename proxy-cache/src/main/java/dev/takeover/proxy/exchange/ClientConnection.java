package dev.takeover.proxy.exchange;

import dev.takeover.checkpoint.HttpLayer;
import dev.takeover.checkpoint.HttpVersion;
import dev.takeover.proxy.checkpoint.Checkpointing;
import dev.takeover.proxy.checkpoint.ConnectionCheckpoints;
import dev.takeover.proxy.http.ConnectionTimeouts;
import dev.takeover.proxy.http.CountingRequestDecoder;
import dev.takeover.proxy.http.RequestHead;
import dev.takeover.proxy.http.SentBytesCounter;
import dev.takeover.proxy.upstream.RequestBodyPipe;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a client connection's pipeline: turns decoded requests into {@link Exchange}s,
 * hands them to the proxy logic at once (so pipelined requests are worked on in parallel), and writes
 * their replies strictly in request order, one {@link ReplyWriter} at a time.
 *
 * <p>Requests the decoder rejected, and requests that fail {@link RequestChecks}, get their error
 * reply in their turn and the connection closes after it: after a framing error nothing that follows
 * on the connection can be trusted (no request smuggling).
 *
 * <p>Flow control: at most {@value #MAX_PIPELINED} requests wait for their replies; beyond that the
 * connection stops reading until replies drain.
 *
 * <p>Checkpoints: with {@link Checkpointing}, a connection to a virtual IP is checkpointed
 * ({@link ConnectionCheckpoints}), and each reply's first byte waits until its checkpoint is stored.
 * The positions come from {@link CountingRequestDecoder} (receive) and {@link SentBytesCounter} (send).
 * Event-loop confined.
 */
public final class ClientConnection extends ChannelInboundHandlerAdapter implements ReplyWriter.Listener {
    private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);
    static final int MAX_PIPELINED = 16;
    /**
     * Longest a reply waits for its checkpoint. Replicating one takes about a millisecond; a store that
     * takes longer is in trouble (a failure being detected, a lost quorum), and then serving the client
     * matters more than being able to resume it elsewhere.
     */
    static final long CHECKPOINT_WAIT_MILLIS = 1000;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ExchangeRouter router;
    private final AccessLog accessLog;
    private final Checkpointing checkpointing;
    private final Clock clock;
    private final ArrayDeque<Exchange> pending = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private ConnectionTimeouts timeouts;
    private CountingRequestDecoder decoder;
    private SentBytesCounter sentCounter;
    private ConnectionCheckpoints checkpoints;
    private Exchange bodyExchange;
    /** A reply waits for its checkpoint to be stored. */
    private boolean awaitingCheckpoint;
    /** For a connection taken over from another node: where it resumes; null for an accepted one. */
    private final Resumed resumed;

    /** A taken-over connection's start: its checkpoint, the client's positions, and the rest to send. */
    /**
     * How a connection taken over from another node goes on.
     *
     * @param rest   the remainder of the response in flight, written first, or null
     * @param close  whether the connection closes after {@code rest} (or at once)
     * @param replay a recorded request head to answer from the start, or null
     */
    public record Resumed(dev.takeover.checkpoint.ConnectionCheckpoint checkpoint, long sendPosition, Reply rest,
                          boolean close, byte[] replay) {}
    private ReplyWriter writer;
    private RequestBodyPipe bodyTarget;
    /** Set once a reply that closes the connection is queued: later input is ignored. */
    private boolean closing;

    /** @param checkpointing how to checkpoint connections, or null for a plain proxy */
    public ClientConnection(ExchangeRouter router, AccessLog accessLog, Checkpointing checkpointing, Clock clock) {
        this(router, accessLog, checkpointing, clock, null);
    }

    /** A connection taken over from another node, resuming as {@code resumed} says. */
    public ClientConnection(ExchangeRouter router, AccessLog accessLog, Checkpointing checkpointing, Clock clock,
                            Resumed resumed) {
        this.router = router;
        this.accessLog = accessLog;
        this.checkpointing = checkpointing;
        this.clock = clock;
        this.resumed = resumed;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.timeouts = ctx.pipeline().get(ConnectionTimeouts.class);
        this.decoder = ctx.pipeline().get(CountingRequestDecoder.class);
        this.sentCounter = ctx.pipeline().get(SentBytesCounter.class);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (resumed != null) {
            resume(resumed);
        } else if (checkpointing != null && decoder != null && sentCounter != null) {
            checkpoints = ConnectionCheckpoints.accepted(checkpointing, ctx.channel(), clock);
        }
        ctx.fireChannelActive();
    }

    private void resume(Resumed r) {
        if (checkpointing != null) {
            checkpoints = ConnectionCheckpoints.resumed(checkpointing, ctx.channel(), clock, r.checkpoint(), r.sendPosition());
        }
        if (r.replay() != null) {
            // Through the whole pipeline, so the parser counts it; before the channel reads the socket, so it comes
            // first (anything the client sent after it would have made the takeover reset the connection).
            ctx.pipeline().fireChannelRead(Unpooled.wrappedBuffer(r.replay()));
            ctx.pipeline().fireChannelReadComplete();
            return;
        }
        if (r.rest() == null) {
            if (r.close()) {
                closing = true;
                ctx.close();
            }
            return;
        }
        if (timeouts != null) {
            timeouts.requestReceived();
        }
        var http = (dev.takeover.checkpoint.HttpLayer.Responding) r.checkpoint().http();
        var request = new io.netty.handler.codec.http.DefaultHttpRequest(
                http.version() == HttpVersion.HTTP_1_0 ? io.netty.handler.codec.http.HttpVersion.HTTP_1_0
                        : io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                io.netty.handler.codec.http.HttpMethod.valueOf(http.method()), http.target());
        HttpUtil.setKeepAlive(request, http.keepAlive());
        Exchange ex = new Exchange(request, ctx.channel().remoteAddress(), System.nanoTime(), null);
        ex.requestEnd(http.requestEndReceivePos());
        // Its checkpoint exists already (the dead owner's, and the one just written): write at once.
        pending.add(ex);
        writer = new ReplyWriter(ctx, r.rest(), this);
        if (r.rest().close()) {
            closing = true;
        }
        writer.start();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (closing) {
                return;
            }
            if (msg instanceof HttpRequest request) {
                onRequest(request);
            }
            if (msg instanceof LastHttpContent && bodyExchange != null && decoder != null) {
                bodyExchange.requestEnd(decoder.consumed());
                bodyExchange = null;
            }
            if (msg instanceof HttpContent content && bodyTarget != null) {
                if (!bodyTarget.offer(content.retain(), this::resumeReading)) {
                    ctx.channel().config().setAutoRead(false);
                }
                if (content instanceof LastHttpContent) {
                    bodyTarget = null;
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(HttpRequest request) {
        if (timeouts != null) {
            timeouts.requestReceived();
        }
        Reply rejection = RequestChecks.check(request);
        if (rejection != null) {
            closing = true;
            ctx.channel().config().setAutoRead(false);
            Exchange ex = new Exchange(request, ctx.channel().remoteAddress(), System.nanoTime(), null);
            ex.reply().complete(rejection);
            enqueue(ex);
            return;
        }
        RequestBodyPipe body = RequestChecks.hasBody(request) ? new RequestBodyPipe() : null;
        if (HttpUtil.is100ContinueExpected(request)) {
            request.headers().remove(HttpHeaderNames.EXPECT);
            if (pending.isEmpty() && writer == null) {
                // An interim response may only go out when no earlier reply is still owed.
                ctx.writeAndFlush(Unpooled.wrappedBuffer(CONTINUE));
            }
        }
        Exchange ex = new Exchange(request, ctx.channel().remoteAddress(), System.nanoTime(), body);
        if (decoder != null) {
            ex.requestEnd(decoder.consumed()); // a request with a body ends later, at its LastHttpContent
        }
        bodyExchange = ex;
        bodyTarget = body;
        enqueue(ex);
        router.start(ex);
        if (checkpoints != null && body == null && pending.size() == 1 && writer == null && !awaitingCheckpoint
                && !ex.reply().isDone()) {
            // Its response cannot begin at once (the origin is asked): record the request, so that a node taking
            // the connection over answers it instead of resetting it.
            checkpoints.requested(ex.requestEnd(), sentCounter.sent(), RequestHead.encode(request));
        }
        if (pending.size() >= MAX_PIPELINED) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    /** The origin side of a request body can take more: read on (from any thread). */
    private void resumeReading() {
        ctx.executor().execute(() -> {
            if (!closing && pending.size() < MAX_PIPELINED) {
                ctx.channel().config().setAutoRead(true);
            }
        });
    }

    private void enqueue(Exchange ex) {
        pending.add(ex);
        ex.reply().whenComplete((r, t) -> {
            if (ctx.executor().inEventLoop()) {
                writeNext();
            } else {
                ctx.executor().execute(this::writeNext);
            }
        });
    }

    private void writeNext() {
        if (writer != null || awaitingCheckpoint || !ctx.channel().isActive()) {
            return;
        }
        Exchange head = pending.peek();
        if (head == null) {
            if (!closing && timeouts != null) {
                timeouts.idle();
            }
            return;
        }
        if (!head.reply().isDone()) {
            return;
        }
        Reply reply = head.reply().exceptionally(t -> {
            log.warn("exchange for {} failed", head.request().uri(), t);
            return Replies.error(head, 500, "internal error");
        }).join();
        if (!ctx.channel().isActive()) {
            reply.discard();
            return;
        }
        if (reply.close()) {
            closing = true;
        }
        if (checkpoints != null) {
            CompletableFuture<Void> stored = checkpoints.responding(responding(head, reply), sentCounter.sent())
                    .completeOnTimeout(null, CHECKPOINT_WAIT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (!stored.isDone()) {
                // The first byte goes out only once a survivor could resume the reply.
                awaitingCheckpoint = true;
                stored.whenComplete((v, t) -> ctx.executor().execute(() -> {
                    awaitingCheckpoint = false;
                    startWriter(reply);
                }));
                return;
            }
        }
        startWriter(reply);
    }

    private void startWriter(Reply reply) {
        if (!ctx.channel().isActive()) {
            reply.discard();
            return;
        }
        writer = new ReplyWriter(ctx, reply, this);
        writer.start();
    }

    /** The HTTP layer of the checkpoint taken before {@code reply} starts. */
    private HttpLayer.Responding responding(Exchange ex, Reply reply) {
        Reply.Representation source = reply.source();
        long bodyLength = switch (reply.framing()) {
            case NONE -> 0;
            case LENGTH -> reply.end() - reply.body().position();
            case CHUNKED, UNTIL_CLOSE -> -1;
        };
        return new HttpLayer.Responding(ex.requestEnd(), sentCounter.sent(), reply.head(),
                ex.request().method().name(), ex.request().uri(),
                ex.isHttp10() ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1,
                source == null ? null : source.etag(), source == null ? -1 : source.lastModifiedEpochSec(),
                source == null ? -1 : source.rangeFirst(), source == null ? -1 : source.rangeLast(),
                bodyLength, reply.framing() == Framing.CHUNKED, !reply.close(), -1);
    }

    @Override
    public void progressed(ReplyWriter w) {
        if (checkpoints != null) {
            checkpoints.progress(sentCounter.sent());
        }
    }

    @Override
    public void replyWritten(ReplyWriter done) {
        Exchange ex = pending.poll();
        accessLog.log(ex, done.reply(), done.bytesWritten());
        writer = null;
        if (checkpoints != null) {
            checkpoints.responseComplete(sentCounter.sent());
        }
        if (done.reply().close()) {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (!closing && !ctx.channel().config().isAutoRead() && pending.size() < MAX_PIPELINED) {
            ctx.channel().config().setAutoRead(true);
        }
        writeNext();
    }

    @Override
    public void replyFailed(ReplyWriter failed, Throwable cause) {
        Exchange ex = pending.poll();
        log.debug("reply to {} broke off: {}", ex.request().uri(), cause.toString());
        accessLog.log(ex, failed.reply(), failed.bytesWritten());
        writer = null;
        closing = true;
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ConnectionTimeouts.HeaderTimeout.INSTANCE) {
            if (pending.isEmpty() && writer == null && !closing) {
                closing = true;
                ctx.channel().config().setAutoRead(false);
                Exchange ex = new Exchange(RequestChecks.timedOut(), ctx.channel().remoteAddress(), System.nanoTime(), null);
                ex.reply().complete(Replies.error(408, "request header timeout", true));
                enqueue(ex);
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (writer != null && ctx.channel().isWritable()) {
            writer.pump();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (checkpoints != null) {
            checkpoints.closed();
        }
        if (writer != null) {
            writer.abandon();
            writer = null;
        }
        for (Exchange ex : pending) {
            ex.reply().thenAccept(Reply::discard);
            if (ex.body() != null) {
                ex.body().abort();
            }
        }
        pending.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("client connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
