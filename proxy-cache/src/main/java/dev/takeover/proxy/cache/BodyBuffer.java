package dev.takeover.proxy.cache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The body of one response: an append-only byte sequence written by one producer (the origin fetch)
 * and read by any number of {@link Cursor cursors} (clients), possibly while it is still being filled.
 *
 * <p>Bytes live off-heap in direct segments of {@value #SEGMENT} bytes; a reader gets retained slices,
 * so a client write never copies the body and eviction never pulls memory from under a write.
 *
 * <p><b>Two retention modes.</b> A body that may be cached keeps every byte (it is the stored object).
 * After {@link #stopRetaining()} (the response turned out not storable, or too large) segments every
 * open cursor has passed are released, and {@link #shouldPause()} tells the producer to stop reading
 * from the origin while the slowest reader is more than {@value #HIGH_WATER} bytes behind: a 1 GiB
 * pass-through is never buffered whole. A retaining body reserves each segment from its {@link FillBudget}, and stops
 * retaining by itself when the budget refuses one. A cursor can no longer be opened below a released segment.
 *
 * <p><b>Thread safety.</b> One producer thread calls {@link #append}, {@link #complete} and
 * {@link #fail}; any thread may read. Published length is volatile: a reader only reads below it.
 * Callbacks passed to {@link #whenReadable} and {@link #whenDrained} run on the producer's thread
 * (or the caller's, if already satisfied) and must hand off to their own executor.
 *
 * <p><b>Lifetime.</b> Reference counted: the creator holds one reference; every holder (the cache,
 * each cursor) {@link #tryRetain() retains} and {@link #release() releases}. Segments are freed when
 * the count reaches zero.
 */
public final class BodyBuffer {
    /** Segment size: large enough for few writes per object, small enough to not waste on small ones. */
    public static final int SEGMENT = 64 * 1024;
    static final int HIGH_WATER = 1024 * 1024;
    static final int LOW_WATER = 256 * 1024;

    private final ByteBufAllocator allocator;
    private final long expectedLength;
    private final FillBudget budget;
    private final AtomicInteger refs = new AtomicInteger(1);

    private volatile ByteBuf[] segments = new ByteBuf[0];
    private volatile long length;
    private volatile boolean complete;
    private volatile Throwable failure;
    private volatile boolean retaining = true;

    // Guarded by this: waiters and cursors are few and short-lived.
    private final List<Waiter> waiters = new ArrayList<>();
    private final List<Cursor> cursors = new ArrayList<>();
    private Runnable drained;
    private int releasedSegments;
    private boolean everRead;
    /** Bytes reserved from the budget and not yet handed back. */
    private long reserved;

    private record Waiter(long offset, Runnable callback) {}

    /**
     * @param expectedLength the body length announced by the origin, or -1 if unknown; used to size
     *                       segments, not trusted: {@link #complete()} decides the real length
     */
    public BodyBuffer(ByteBufAllocator allocator, long expectedLength) {
        this(allocator, expectedLength, FillBudget.UNBOUNDED);
    }

    /** @param budget what the body may hold while it retains and is incomplete */
    public BodyBuffer(ByteBufAllocator allocator, long expectedLength, FillBudget budget) {
        this.allocator = allocator;
        this.expectedLength = expectedLength;
        this.budget = budget;
    }

    /** A complete body holding a copy of {@code bytes}; for generated responses and tests. */
    public static BodyBuffer of(ByteBufAllocator allocator, byte[] bytes) {
        BodyBuffer body = new BodyBuffer(allocator, bytes.length);
        ByteBuf buf = allocator.heapBuffer(bytes.length).writeBytes(bytes);
        try {
            body.append(buf);
        } finally {
            buf.release();
        }
        body.complete();
        return body;
    }

    /** Copies the readable bytes of {@code data} (not released) to the end of the body. Producer only. */
    public void append(ByteBuf data) {
        int remaining = data.readableBytes();
        int from = data.readerIndex();
        long len = length;
        while (remaining > 0) {
            int index = (int) (len / SEGMENT);
            int within = (int) (len % SEGMENT);
            ByteBuf seg = segment(index, within);
            int n = Math.min(remaining, seg.capacity() - within);
            seg.setBytes(within, data, from, n);
            from += n;
            remaining -= n;
            len += n;
        }
        length = len; // publish: readers see the bytes written above
        notifyWaiters();
    }

    /**
     * The segment for {@code index} with room for byte {@code within}, allocated on first use.
     * Synchronized with the release paths so the array is never copied while a slot is cleared.
     */
    private synchronized ByteBuf segment(int index, int within) {
        ByteBuf current = index < segments.length ? segments[index] : null;
        if (current == null) {
            reserve(capacityAt(index));
        } else if (within >= current.capacity()) {
            reserve(SEGMENT - current.capacity());
        }
        ByteBuf[] segs = segments; // read after reserve(): stopping to retain may have released passed segments
        if (index >= segs.length) {
            segs = Arrays.copyOf(segs, Math.max(index + 1, segs.length * 2));
        }
        ByteBuf seg = segs[index];
        if (seg == null) {
            seg = allocator.directBuffer(capacityAt(index), SEGMENT);
            segs[index] = seg;
        }
        if (within >= seg.capacity()) {
            // The origin sent more than it announced: widen the segment; readers keep their slices.
            ByteBuf wider = allocator.directBuffer(SEGMENT, SEGMENT);
            wider.setBytes(0, seg, 0, within);
            seg.release();
            seg = wider;
            segs[index] = seg;
        }
        segments = segs;
        return seg;
    }

    /** The first allocation for segment {@code index}: the last one is sized to the announced length. */
    private int capacityAt(int index) {
        long start = (long) index * SEGMENT;
        return expectedLength > start && expectedLength - start < SEGMENT ? (int) (expectedLength - start) : SEGMENT;
    }

    /**
     * Reserves {@code bytes} more while retaining; when the budget refuses, stops retaining instead. Called under the
     * lock, by the producer.
     */
    private void reserve(int bytes) {
        if (!retaining || complete || budget == FillBudget.UNBOUNDED) {
            return;
        }
        if (budget.tryReserve(bytes)) {
            reserved += bytes;
        } else {
            stopRetaining();
        }
    }

    /** Gives the reservation back: the body is complete (the cache accounts for it), broken, passing, or freed. */
    private synchronized void handBack() {
        if (reserved > 0) {
            budget.release(reserved);
            reserved = 0;
        }
    }

    /** Marks the body complete at its current length and wakes every reader. Producer only. */
    public void complete() {
        complete = true;
        handBack();
        notifyWaiters();
        runDrained();
    }

    /** Marks the body broken (the origin failed mid-body): readers must abort their responses. */
    public void fail(Throwable cause) {
        failure = cause;
        handBack();
        notifyWaiters();
        runDrained();
    }

    /** Bytes readable now. */
    public long available() {
        return length;
    }

    /** True when every byte has arrived; {@link #available()} is then the body's length. */
    public boolean isComplete() {
        return complete;
    }

    /** The failure that ended the body early, or {@code null}. */
    public Throwable failure() {
        return failure;
    }

    /** The announced length (-1 if unknown), or the real one once complete. */
    public long knownLength() {
        return complete ? length : expectedLength;
    }

    /** Bytes of direct memory this body occupies; the cache's weight for it. */
    public long footprint() {
        long total = 0;
        for (ByteBuf seg : segments) {
            if (seg != null) {
                total += seg.capacity();
            }
        }
        return total;
    }

    /**
     * A retained slice of at most {@code max} bytes starting at {@code offset}, contiguous in memory.
     * The caller owns the slice. Requires {@code offset < available()}.
     */
    public ByteBuf slice(long offset, int max) {
        long len = length;
        if (offset >= len || offset < 0) {
            throw new IndexOutOfBoundsException("offset " + offset + " not below available " + len);
        }
        ByteBuf seg = segments[(int) (offset / SEGMENT)];
        if (seg == null) {
            throw new IllegalStateException("offset " + offset + " was already released");
        }
        int within = (int) (offset % SEGMENT);
        int n = (int) Math.min(Math.min(max, len - offset), seg.capacity() - within);
        return seg.retainedSlice(within, n);
    }

    /**
     * Runs {@code callback} once more than {@code offset} bytes are available, or the body completed
     * or failed. Runs it at once if that is already so.
     */
    public void whenReadable(long offset, Runnable callback) {
        synchronized (this) {
            if (length <= offset && !complete && failure == null) {
                waiters.add(new Waiter(offset, callback));
                return;
            }
        }
        callback.run();
    }

    private void notifyWaiters() {
        List<Runnable> ready = null;
        synchronized (this) {
            if (waiters.isEmpty()) {
                return;
            }
            long len = length;
            boolean all = complete || failure != null;
            for (var it = waiters.iterator(); it.hasNext(); ) {
                Waiter w = it.next();
                if (all || w.offset() < len) {
                    it.remove();
                    (ready == null ? ready = new ArrayList<>() : ready).add(w.callback());
                }
            }
        }
        if (ready != null) {
            ready.forEach(Runnable::run);
        }
    }

    /** From now on release what every cursor has passed: the body will not be stored. */
    public void stopRetaining() {
        retaining = false;
        handBack();
        releasePassedSegments();
    }

    /**
     * True when nobody will ever read the rest: the body is not retained and every reader that
     * opened a cursor has closed it. The producer should stop fetching.
     */
    public synchronized boolean isAbandoned() {
        return !retaining && everRead && cursors.isEmpty();
    }

    /** True while retaining: the body is (or may become) a cached object. */
    public boolean isRetaining() {
        return retaining;
    }

    /**
     * Producer's back-pressure check: true when the body is not retained and the slowest cursor is
     * more than {@value #HIGH_WATER} bytes behind. The producer then stops reading and registers
     * {@link #whenDrained}.
     */
    public boolean shouldPause() {
        return !retaining && length - minCursorPosition() > HIGH_WATER;
    }

    /** Runs {@code resume} once the slowest cursor has caught up below the low-water mark. */
    public void whenDrained(Runnable resume) {
        synchronized (this) {
            if (length - minCursorPosition() > LOW_WATER && !complete && failure == null) {
                drained = resume;
                return;
            }
        }
        resume.run();
    }

    private void runDrained() {
        Runnable r;
        synchronized (this) {
            r = drained;
            drained = null;
        }
        if (r != null) {
            r.run();
        }
    }

    private synchronized long minCursorPosition() {
        long min = length;
        for (Cursor c : cursors) {
            min = Math.min(min, c.position);
        }
        return min;
    }

    private void releasePassedSegments() {
        if (retaining || !everRead) {
            return; // before its first reader, nothing is passed: the body may have stopped retaining early
        }
        synchronized (this) {
            long min = minCursorPosition();
            int passed = (int) (min / SEGMENT);
            ByteBuf[] segs = segments;
            for (int i = releasedSegments; i < Math.min(passed, segs.length); i++) {
                if (segs[i] != null) {
                    segs[i].release();
                    segs[i] = null;
                }
            }
            releasedSegments = Math.max(releasedSegments, passed);
        }
    }

    /** Takes a reference unless the body was already freed; false means "treat as absent". */
    public boolean tryRetain() {
        for (;;) {
            int n = refs.get();
            if (n <= 0) {
                return false;
            }
            if (refs.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Drops a reference; the last one frees the segments. */
    public void release() {
        int n = refs.decrementAndGet();
        if (n == 0) {
            handBack();
            synchronized (this) {
                ByteBuf[] segs = segments;
                for (int i = 0; i < segs.length; i++) {
                    if (segs[i] != null) {
                        segs[i].release();
                        segs[i] = null;
                    }
                }
            }
        } else if (n < 0) {
            throw new IllegalStateException("BodyBuffer released more often than retained");
        }
    }

    /**
     * Opens a reading position at {@code offset}, holding a reference on the body until closed.
     * Returns {@code null} if the body was already freed, or no longer holds the bytes at {@code offset}.
     */
    public Cursor open(long offset) {
        if (!tryRetain()) {
            return null;
        }
        Cursor c = new Cursor(offset);
        synchronized (this) {
            if (offset < (long) releasedSegments * SEGMENT) {
                c = null;
            } else {
                cursors.add(c);
                everRead = true;
            }
        }
        if (c == null) {
            release();
            return null;
        }
        return c;
    }

    /** One reader's position. Only its reader moves it; the body reads it for back-pressure. */
    public final class Cursor implements AutoCloseable {
        private volatile long position;
        private boolean closed;

        private Cursor(long position) {
            this.position = position;
        }

        public long position() {
            return position;
        }

        public BodyBuffer body() {
            return BodyBuffer.this;
        }

        /** Moves past bytes the reader has handed on; may release segments and wake the producer. */
        public void advanceTo(long newPosition) {
            position = newPosition;
            if (!retaining) {
                releasePassedSegments();
                boolean wake;
                synchronized (BodyBuffer.this) {
                    wake = drained != null && length - minCursorPosition() <= LOW_WATER;
                }
                if (wake) {
                    runDrained();
                }
            }
        }

        @Override
        public void close() {
            synchronized (BodyBuffer.this) {
                if (closed) {
                    return;
                }
                closed = true;
                cursors.remove(this);
            }
            releasePassedSegments();
            runDrained();
            release();
        }
    }
}
