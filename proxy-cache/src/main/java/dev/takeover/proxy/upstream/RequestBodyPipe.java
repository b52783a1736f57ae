package dev.takeover.proxy.upstream;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Carries a request body from the client connection to the origin connection, which may not exist
 * yet: content offered before {@link #connect} is queued, content after it is written straight
 * through. Thread safe: the two sides run on different event loops.
 */
public final class RequestBodyPipe {
    private final ArrayDeque<HttpContent> queued = new ArrayDeque<>();
    private Channel sink;
    private boolean aborted;

    /** Hands one piece of the body on; the pipe owns {@code content} from here. */
    public synchronized void offer(HttpContent content) {
        if (aborted) {
            ReferenceCountUtil.release(content);
        } else if (sink != null) {
            sink.writeAndFlush(content);
        } else {
            queued.add(content);
        }
    }

    /** Starts writing to the origin connection: what was queued first, then everything offered later. */
    synchronized void connect(Channel channel) {
        if (aborted) {
            return;
        }
        sink = channel;
        while (!queued.isEmpty()) {
            channel.write(queued.poll());
        }
        channel.flush();
    }

    /** The exchange is over (client gone, origin failed): drop what is queued and anything to come. */
    public synchronized void abort() {
        aborted = true;
        sink = null;
        while (!queued.isEmpty()) {
            ReferenceCountUtil.release(queued.poll());
        }
    }
}
