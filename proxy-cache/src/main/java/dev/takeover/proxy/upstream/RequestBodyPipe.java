package dev.takeover.proxy.upstream;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Carries a request body from the client connection to the origin connection, which may not exist
 * yet: content offered before {@link #connect} is queued, content after it is written straight
 * through.
 *
 * <p>Back-pressure: {@link #offer} returns false when the client should stop reading (more than
 * {@value #MAX_QUEUED} bytes wait for the origin connection, or the origin connection is not
 * writable); the pipe then runs the {@code resume} callback given to {@link #offer} once it can take
 * more. Thread safe: the two sides run on different event loops.
 */
public final class RequestBodyPipe {
    static final int MAX_QUEUED = 1024 * 1024;

    private final ArrayDeque<HttpContent> queued = new ArrayDeque<>();
    private long queuedBytes;
    private Channel sink;
    private boolean aborted;
    private Runnable resume;

    /**
     * Hands one piece of the body on; the pipe owns {@code content} from here. Returns whether the
     * client may keep reading; if not, {@code resume} runs (on any thread) when it may again.
     */
    public synchronized boolean offer(HttpContent content, Runnable resume) {
        if (aborted) {
            ReferenceCountUtil.release(content);
            return true;
        }
        if (sink == null) {
            queued.add(content);
            queuedBytes += content.content().readableBytes();
            if (queuedBytes > MAX_QUEUED) {
                this.resume = resume;
                return false;
            }
            return true;
        }
        var written = sink.writeAndFlush(content);
        if (!sink.isWritable()) {
            written.addListener(f -> resume.run());
            return false;
        }
        return true;
    }

    /** Starts writing to the origin connection: what was queued first, then everything offered later. */
    void connect(Channel channel) {
        Runnable r;
        synchronized (this) {
            if (aborted) {
                return;
            }
            sink = channel;
            while (!queued.isEmpty()) {
                channel.write(queued.poll());
            }
            queuedBytes = 0;
            channel.flush();
            r = resume;
            resume = null;
        }
        if (r != null) {
            r.run();
        }
    }

    /** The exchange is over (client gone, origin failed): drop what is queued and anything to come. */
    public void abort() {
        Runnable r;
        synchronized (this) {
            aborted = true;
            sink = null;
            while (!queued.isEmpty()) {
                ReferenceCountUtil.release(queued.poll());
            }
            r = resume;
            resume = null;
        }
        if (r != null) {
            r.run(); // let the client connection read on (and discard) rather than hang
        }
    }
}
