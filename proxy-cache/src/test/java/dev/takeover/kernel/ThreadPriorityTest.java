package dev.takeover.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** A thread's own nice value, set and read back from the kernel; the other threads keep theirs. */
@EnabledOnOs(OS.LINUX)
class ThreadPriorityTest {

    @Test
    void lowersTheCallingThreadOnly() throws Exception {
        int before = ThreadPriority.niceOfCurrentThread();
        CompletableFuture<int[]> seen = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                int inherited = ThreadPriority.niceOfCurrentThread();
                boolean set = ThreadPriority.niceCurrentThread(Math.max(inherited, 7));
                seen.complete(new int[] {inherited, set ? 1 : 0, ThreadPriority.niceOfCurrentThread()});
            } catch (Exception e) {
                seen.completeExceptionally(e);
            }
        });
        int[] r = seen.get(10, TimeUnit.SECONDS);
        t.join();
        assertThat(r[0]).as("a new thread inherits its creator's").isEqualTo(before);
        assertThat(r[1]).as("set").isEqualTo(1);
        assertThat(r[2]).isEqualTo(Math.max(before, 7));
        assertThat(ThreadPriority.niceOfCurrentThread()).as("the caller's own is untouched").isEqualTo(before);
    }

    @Test
    void boostsTheCallingThreadAndGivesItBack() throws Exception {
        assumeTrue(Privileges.has(Privileges.CAP_SYS_NICE), "raising a priority needs CAP_SYS_NICE");
        CompletableFuture<int[]> seen = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                boolean raised = ThreadPriority.boostCurrentThread(-5);
                int boosted = ThreadPriority.niceOfCurrentThread();
                boolean back = ThreadPriority.boostCurrentThread(0);
                seen.complete(new int[] {raised ? 1 : 0, boosted, back ? 1 : 0, ThreadPriority.niceOfCurrentThread()});
            } catch (Exception e) {
                seen.completeExceptionally(e);
            }
        });
        assertThat(seen.get(10, TimeUnit.SECONDS)).containsExactly(1, -5, 1, 0);
        t.join();
    }

    @Test
    void boostOnlyRaisesPriority() {
        assertThatThrownBy(() -> ThreadPriority.boostCurrentThread(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("raising priority only");
        assertThatThrownBy(() -> ThreadPriority.boostCurrentThread(-21)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyLowersPriority() {
        assertThatThrownBy(() -> ThreadPriority.niceCurrentThread(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lowering priority only");
        assertThatThrownBy(() -> ThreadPriority.niceCurrentThread(20)).isInstanceOf(IllegalArgumentException.class);
    }
}
