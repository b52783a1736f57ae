package dev.takeover.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BodyBufferTest {
    private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

    private static byte at(long offset) {
        return (byte) (offset * 131 + (offset >>> 9));
    }

    private static ByteBuf chunk(long from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = at(from + i);
        }
        return Unpooled.wrappedBuffer(b);
    }

    /** Reads everything from {@code cursor} as a client would: slices when available, wait otherwise. */
    private static CompletableFuture<Long> drain(BodyBuffer.Cursor cursor, ExecutorService pool) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        Runnable[] step = new Runnable[1];
        step[0] = () -> {
            BodyBuffer body = cursor.body();
            try {
                for (;;) {
                    long pos = cursor.position();
                    if (body.failure() != null) {
                        done.completeExceptionally(body.failure());
                        return;
                    }
                    if (pos < body.available()) {
                        ByteBuf slice = body.slice(pos, 10_000);
                        try {
                            for (int i = 0; i < slice.readableBytes(); i++) {
                                if (slice.getByte(slice.readerIndex() + i) != at(pos + i)) {
                                    done.completeExceptionally(new AssertionError("wrong byte at " + (pos + i)));
                                    return;
                                }
                            }
                            cursor.advanceTo(pos + slice.readableBytes());
                        } finally {
                            slice.release();
                        }
                    } else if (body.isComplete()) {
                        cursor.close();
                        done.complete(pos);
                        return;
                    } else {
                        body.whenReadable(pos, () -> pool.execute(step[0]));
                        return;
                    }
                }
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        };
        pool.execute(step[0]);
        return done;
    }

    @ParameterizedTest(name = "retaining={0}")
    @ValueSource(booleans = {true, false})
    void manyReadersSeeEveryByteWhileOneProducerFills(boolean retaining) throws Exception {
        long length = 3 * BodyBuffer.SEGMENT + 12_345;
        BodyBuffer body = new BodyBuffer(ALLOC, -1);
        if (!retaining) {
            body.stopRetaining();
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<Long>> readers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                readers.add(drain(body.open(0), pool));
            }
            SplittableRandom random = new SplittableRandom(7);
            long written = 0;
            while (written < length) {
                int n = (int) Math.min(length - written, random.nextInt(1, 9000));
                ByteBuf c = chunk(written, n);
                body.append(c);
                c.release();
                written += n;
                if (body.shouldPause()) {
                    CountDownLatch resumed = new CountDownLatch(1);
                    body.whenDrained(resumed::countDown);
                    assertThat(resumed.await(10, TimeUnit.SECONDS)).isTrue();
                }
            }
            body.complete();
            for (var r : readers) {
                assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo(length);
            }
            assertThat(body.available()).isEqualTo(length);
        } finally {
            pool.shutdownNow();
        }
        body.release();
        assertThat(body.tryRetain()).as("freed after the last reference").isFalse();
    }

    @Test
    void aPassThroughBodyReleasesWhatItsReaderPassedAndPausesItsProducer() {
        BodyBuffer body = new BodyBuffer(ALLOC, -1);
        body.stopRetaining();
        BodyBuffer.Cursor reader = body.open(0);
        long written = 0;
        while (!body.shouldPause()) {
            ByteBuf c = chunk(written, 32 * 1024);
            body.append(c);
            c.release();
            written += 32 * 1024;
        }
        assertThat(written).isGreaterThan(BodyBuffer.HIGH_WATER);
        long heldBefore = body.footprint();
        boolean[] resumed = {false};
        body.whenDrained(() -> resumed[0] = true);
        assertThat(resumed[0]).isFalse();
        reader.advanceTo(written - 100);
        assertThat(resumed[0]).isTrue();
        assertThat(body.footprint()).isLessThan(heldBefore);
        assertThatThrownBy(() -> body.slice(0, 10)).isInstanceOf(IllegalStateException.class);
        reader.close();
        assertThat(body.isAbandoned()).isTrue();
        body.release();
    }

    @Test
    void aBodyLongerThanAnnouncedStillReadsBackExactly() {
        BodyBuffer body = new BodyBuffer(ALLOC, 100);
        ByteBuf c = chunk(0, 5000);
        body.append(c);
        c.release();
        body.complete();
        ByteBuf all = Unpooled.buffer();
        for (long pos = 0; pos < body.available(); ) {
            ByteBuf s = body.slice(pos, 1 << 20);
            pos += s.readableBytes();
            all.writeBytes(s);
            s.release();
        }
        assertThat(all.readableBytes()).isEqualTo(5000);
        for (int i = 0; i < 5000; i++) {
            assertThat(all.getByte(i)).isEqualTo(at(i));
        }
        all.release();
        body.release();
    }

    @Test
    void anOpenCursorKeepsTheBodyAliveAfterTheCacheLetGo() {
        BodyBuffer body = BodyBuffer.of(ALLOC, new byte[] {1, 2, 3});
        BodyBuffer.Cursor c = body.open(0);
        body.release(); // the cache evicted it
        ByteBuf s = body.slice(0, 3);
        assertThat(s.getByte(2)).isEqualTo((byte) 3);
        s.release();
        c.close();
        assertThat(body.open(0)).isNull();
    }

    /** Appends {@code n} pattern bytes from {@code from} on. */
    private static void fill(BodyBuffer body, long from, int n) {
        ByteBuf c = chunk(from, n);
        body.append(c);
        c.release();
    }

    @Test
    void aFillOverItsBudgetStopsRetainingAndItsReaderStillGetsEveryByte() throws Exception {
        FillBudget budget = new FillBudget(4 * BodyBuffer.SEGMENT);
        BodyBuffer body = new BodyBuffer(ALLOC, 32L * BodyBuffer.SEGMENT, budget);
        BodyBuffer.Cursor reader = body.open(0);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<Long> read = drain(reader, pool);
            for (long at = 0; at < 32L * BodyBuffer.SEGMENT; at += 10_000) {
                int n = (int) Math.min(10_000, 32L * BodyBuffer.SEGMENT - at);
                fill(body, at, n);
                assertThat(budget.reserved()).isLessThanOrEqualTo(budget.limit());
                while (body.shouldPause()) {
                    Thread.sleep(1); // the reader catches up and segments it passed are released
                }
            }
            assertThat(body.isRetaining()).as("stopped retaining at the budget").isFalse();
            assertThat(budget.reserved()).as("handed back when it stopped").isZero();
            body.complete();
            assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(32L * BodyBuffer.SEGMENT);
        } finally {
            pool.shutdownNow();
        }
        assertThat(body.open(0)).as("its start is gone: a late reader must fetch on its own").isNull();
        body.release();
    }

    @Test
    void aBodyWithinItsBudgetKeepsRetainingAndHandsTheReservationBackWhenComplete() {
        FillBudget budget = new FillBudget(4 * BodyBuffer.SEGMENT);
        BodyBuffer body = new BodyBuffer(ALLOC, 3L * BodyBuffer.SEGMENT, budget);
        fill(body, 0, 2 * BodyBuffer.SEGMENT);
        assertThat(budget.reserved()).isEqualTo(2L * BodyBuffer.SEGMENT);
        fill(body, 2L * BodyBuffer.SEGMENT, BodyBuffer.SEGMENT);
        body.complete();
        assertThat(body.isRetaining()).isTrue();
        assertThat(budget.reserved()).as("the cache accounts for a complete body").isZero();
        BodyBuffer.Cursor c = body.open(0);
        assertThat(c).isNotNull();
        c.close();
        body.release();
    }

    @Test
    void aFailedOrFreedFillHandsItsReservationBack() {
        FillBudget budget = new FillBudget(8 * BodyBuffer.SEGMENT);
        BodyBuffer failed = new BodyBuffer(ALLOC, -1, budget);
        fill(failed, 0, 3 * BodyBuffer.SEGMENT);
        BodyBuffer dropped = new BodyBuffer(ALLOC, -1, budget);
        fill(dropped, 0, 2 * BodyBuffer.SEGMENT + 1);
        assertThat(budget.reserved()).isEqualTo(6L * BodyBuffer.SEGMENT);

        failed.fail(new java.io.IOException("origin went away"));
        assertThat(budget.reserved()).isEqualTo(3L * BodyBuffer.SEGMENT);
        dropped.release(); // its only holder let go before it completed
        assertThat(budget.reserved()).isZero();
        failed.release();
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void twoFillsShareOneBudgetAndOnlyTheOneRefusedStopsRetaining() {
        FillBudget budget = new FillBudget(5 * BodyBuffer.SEGMENT);
        BodyBuffer first = new BodyBuffer(ALLOC, -1, budget);
        BodyBuffer second = new BodyBuffer(ALLOC, -1, budget);
        fill(first, 0, 3 * BodyBuffer.SEGMENT);
        fill(second, 0, 2 * BodyBuffer.SEGMENT);
        fill(second, 2L * BodyBuffer.SEGMENT, 1); // a sixth segment: refused

        assertThat(first.isRetaining()).isTrue();
        assertThat(second.isRetaining()).isFalse();
        assertThat(budget.reserved()).isEqualTo(3L * BodyBuffer.SEGMENT);
        assertThat(second.available()).as("bytes are never dropped").isEqualTo(2L * BodyBuffer.SEGMENT + 1);
        BodyBuffer.Cursor late = second.open(0);
        assertThat(late).as("nobody had read it: nothing released yet").isNotNull();
        late.close();
        first.release();
        second.release();
        assertThat(budget.reserved()).isZero();
    }
}
