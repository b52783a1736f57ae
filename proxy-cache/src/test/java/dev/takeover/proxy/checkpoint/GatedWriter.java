package dev.takeover.proxy.checkpoint;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A checkpoint writer ({@link Checkpointing#writer()}) for tests: one thread, each write passing a gate the test
 * shuts and opens. While the gate is shut no checkpoint is written, so a response waiting for one cannot begin. A
 * write waits at most 30 s at the gate; closing opens it.
 */
final class GatedWriter implements Executor, AutoCloseable {
    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private final AtomicReference<CountDownLatch> gate = new AtomicReference<>(new CountDownLatch(0));

    /** Shuts the gate: writes from now on wait until {@link #open()}. */
    void shut() {
        gate.set(new CountDownLatch(1));
    }

    void open() {
        gate.get().countDown();
    }

    boolean isShut() {
        return gate.get().getCount() > 0;
    }

    @Override
    public void execute(Runnable task) {
        thread.execute(() -> {
            try {
                gate.get().await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            task.run();
        });
    }

    @Override
    public void close() {
        open();
        thread.shutdownNow();
    }
}
