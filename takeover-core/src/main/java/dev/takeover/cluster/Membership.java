package dev.takeover.cluster;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's membership as this node sees it: the current {@link View}, whether it holds a majority of the
 * cluster file's nodes, and the {@link MembershipEvent}s of every change.
 *
 * <p><b>Majority.</b> The view holds a majority when it has more than half of the nodes the cluster file lists
 * (not of the nodes that happen to be running): one node cut off from two others of three knows it is alone,
 * and of two halves of an even cluster neither acts. A node in the minority must not act for the cluster: no
 * address claims, no takeovers.
 *
 * <p><b>Delivery.</b> Events go to listeners on one dedicated daemon thread, one at a time, in the order the views
 * were installed; a listener sees only events of views installed after it was added. {@link #view()} and
 * {@link #isMajority()} change as soon as a view is installed, possibly before listeners hear of it.
 *
 * <p>Thread-safe.
 */
public final class Membership {

    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

    private final String self;
    private final int configuredSize;
    private final ViewTracker tracker;
    private final List<MembershipListener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService delivery;
    private volatile View view;
    private volatile boolean majority;

    /**
     * @param self           this node's name
     * @param configuredSize the number of nodes in the cluster file, at least 1
     */
    Membership(String self, int configuredSize) {
        this.self = Objects.requireNonNull(self, "self");
        this.configuredSize = configuredSize;
        this.tracker = new ViewTracker(self, configuredSize);
        this.delivery = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "takeover-membership-" + self);
            t.setDaemon(true);
            return t;
        });
    }

    /** @return this node's name */
    public String self() {
        return self;
    }

    /** @return the view installed last; a started {@link ClusterNode} always has one */
    public View view() {
        View v = view;
        if (v == null) {
            throw new IllegalStateException("no view installed yet");
        }
        return v;
    }

    /** @return whether the current view holds more than half of the cluster file's nodes */
    public boolean isMajority() {
        return majority;
    }

    /** @return how many members a view needs to hold a majority: half the cluster file's nodes, plus one */
    public int quorum() {
        return configuredSize / 2 + 1;
    }

    /** @return the number of nodes in the cluster file */
    public int configuredSize() {
        return configuredSize;
    }

    /**
     * Adds a listener for the events of views installed from now on.
     *
     * @param listener not null; adding the same listener twice delivers every event to it twice
     */
    public void addListener(MembershipListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** @return whether {@code listener} was registered; it hears of no view installed after this returns */
    public boolean removeListener(MembershipListener listener) {
        return listeners.remove(listener);
    }

    /**
     * Installs a view and queues its events. Called by the transport's view listener, one view at a time.
     *
     * @param next            the new view, containing this node
     * @param subgroups       the merged views for a merge, else empty
     * @param departedCleanly whether a departed member announced its departure
     */
    void install(View next, List<View> subgroups, Predicate<String> departedCleanly) {
        synchronized (tracker) {
            View before = tracker.current();
            List<MembershipEvent> events = tracker.install(next, subgroups, departedCleanly);
            if (tracker.current() == before) {
                return; // announced twice
            }
            view = tracker.current();
            majority = tracker.majority();
            LOG.info("{}: view {}{}{}", self, next, subgroups.isEmpty() ? "" : " merged from " + subgroups,
                    majority ? "" : " (minority: " + next.size() + " of " + configuredSize + " nodes)");
            // Queued under the lock, so two views installed back to back are delivered in that order.
            try {
                delivery.execute(() -> deliver(events));
            } catch (RejectedExecutionException e) {
                LOG.debug("{}: membership closed, dropping events {}", self, events);
            }
        }
    }

    private void deliver(List<MembershipEvent> events) {
        for (MembershipEvent event : events) {
            for (MembershipListener listener : listeners) {
                try {
                    listener.onEvent(event);
                } catch (RuntimeException e) {
                    LOG.warn("{}: membership listener {} failed on {}", self, listener, event, e);
                }
            }
        }
    }

    /** Stops delivery after the events already queued, waiting briefly for them. */
    void close() {
        delivery.shutdown();
        try {
            if (!delivery.awaitTermination(2, TimeUnit.SECONDS)) {
                delivery.shutdownNow();
            }
        } catch (InterruptedException e) {
            delivery.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
