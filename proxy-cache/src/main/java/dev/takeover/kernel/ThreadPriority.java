package dev.takeover.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets the scheduling priority of the calling thread: on Linux each thread has its own nice value
 * ({@code setpriority(PRIO_PROCESS, gettid(), nice)}), which the scheduler turns into its share of a busy CPU.
 *
 * <p>The node gives its data plane (the proxy's event loops) a higher nice value than its control plane (JGroups
 * heartbeats and views, Infinispan's topology, the takeover): when bulk transfers saturate the CPUs, a heartbeat is
 * not starved into a false suspicion, and a takeover is not slowed to a crawl by the downloads around it. Raising
 * one's own nice value needs no privilege. A takeover's probe and rebuilds, the path every client of a dead node
 * waits on, run at a raised priority for that second ({@link #boostCurrentThread}), which needs CAP_SYS_NICE.
 *
 * <p>Thread-safe. Where the call is not available (not Linux) it does nothing, and says so once.
 */
public final class ThreadPriority {
    private static final Logger LOG = LoggerFactory.getLogger(ThreadPriority.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static final AtomicBoolean BOOST_WARNED = new AtomicBoolean();

    private ThreadPriority() {
    }

    /**
     * Sets the calling thread's nice value.
     *
     * @param nice from 0 (the default) to 19 (the lowest priority)
     * @return whether it took effect
     */
    public static boolean niceCurrentThread(int nice) {
        if (nice < 0 || nice > 19) {
            throw new IllegalArgumentException("nice must be in [0, 19] (lowering priority only), got " + nice);
        }
        return set(nice, WARNED, "cannot lower the priority of {}: {}");
    }

    /**
     * Raises the calling thread's priority, or gives it back ({@code 0}).
     *
     * @param nice from -20 (the highest priority) to 0 (the default)
     * @return whether it took effect: a negative value needs CAP_SYS_NICE (the first refusal is logged)
     */
    public static boolean boostCurrentThread(int nice) {
        if (nice < -20 || nice > 0) {
            throw new IllegalArgumentException("nice must be in [-20, 0] (raising priority only), got " + nice);
        }
        return set(nice, BOOST_WARNED, "cannot raise the priority of {} (needs CAP_SYS_NICE): {}");
    }

    /** Sets the calling thread's nice value; the first failure of each kind ({@code warned}) is logged. */
    private static boolean set(int nice, AtomicBoolean warned, String failure) {
        try {
            Libc.setpriority(Libc.PRIO_PROCESS, Libc.gettid(), nice);
            return true;
        } catch (KernelException | LinkageError e) {
            if (warned.compareAndSet(false, true)) {
                LOG.warn(failure, Thread.currentThread().getName(), e.toString());
            }
            return false;
        }
    }

    /** The calling thread's nice value, read from {@code /proc/thread-self/stat} (Linux); for tests and logs. */
    public static int niceOfCurrentThread() throws IOException {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        // fields after the command (which may hold spaces) start after the last ')': state is field 3, nice is 19
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[19 - 3]);
    }
}
