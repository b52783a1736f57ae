package dev.takeover.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FillBudgetTest {

    @Test
    void grantsUpToItsLimitAndNoFurther() {
        FillBudget budget = new FillBudget(100);
        assertThat(budget.tryReserve(60)).isTrue();
        assertThat(budget.tryReserve(41)).isFalse();
        assertThat(budget.reserved()).as("a refusal reserves nothing").isEqualTo(60);
        assertThat(budget.tryReserve(40)).isTrue();
        assertThat(budget.tryReserve(0)).isTrue();
        budget.release(100);
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new FillBudget(0)).isInstanceOf(IllegalArgumentException.class);
        FillBudget budget = new FillBudget(10);
        assertThatThrownBy(() -> budget.tryReserve(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> budget.release(1)).as("more than was granted").isInstanceOf(IllegalStateException.class);
        assertThat(FillBudget.UNBOUNDED.tryReserve(Long.MAX_VALUE / 2)).isTrue();
        FillBudget.UNBOUNDED.release(Long.MAX_VALUE / 2);
    }

    @Test
    void concurrentReservationsNeverExceedTheLimitAndAllComeBack() throws Exception {
        long limit = 1 << 20;
        FillBudget budget = new FillBudget(limit);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong highest = new AtomicLong();
        AtomicLong refusals = new AtomicLong();
        try {
            Future<?> watcher = pool.submit(() -> {
                while (running.get()) {
                    highest.accumulateAndGet(budget.reserved(), Math::max);
                }
            });
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                SplittableRandom random = new SplittableRandom(t);
                workers.add(pool.submit(() -> {
                    start.await();
                    List<Long> held = new ArrayList<>();
                    for (int i = 0; i < 200_000; i++) {
                        if (held.isEmpty() || random.nextInt(3) > 0) {
                            long bytes = random.nextLong(1, 64 * 1024);
                            if (budget.tryReserve(bytes)) {
                                held.add(bytes);
                            } else {
                                refusals.incrementAndGet();
                            }
                        } else {
                            budget.release(held.removeLast());
                        }
                    }
                    held.forEach(budget::release);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> w : workers) {
                w.get(60, TimeUnit.SECONDS);
            }
            running.set(false);
            watcher.get(10, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(refusals.get()).as("the workers wanted more than the limit").isPositive();
        assertThat(highest.get()).isLessThanOrEqualTo(limit);
        assertThat(budget.reserved()).isZero();
    }
}
