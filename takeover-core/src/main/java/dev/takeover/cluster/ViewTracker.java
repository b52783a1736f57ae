package dev.takeover.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Turns the sequence of views one node installs into {@link MembershipEvent}s: the pure part of {@link Membership},
 * free of Infinispan so it can be tested view by view.
 *
 * <p>A node is in the majority while its view holds more than half of the cluster file's nodes. Before its first
 * view it counts as in the minority, so a node that starts alone in a cluster of three reports nothing until a
 * second node joins, and then {@link MembershipEvent.MajorityRegained}.
 *
 * <p>Not thread-safe: {@link Membership} calls it under its lock.
 */
final class ViewTracker {

    private final String self;
    private final int configuredSize;
    private View current;
    private boolean majority;

    /**
     * @param self           this node's name
     * @param configuredSize how many nodes the cluster file lists, at least 1
     */
    ViewTracker(String self, int configuredSize) {
        this.self = Objects.requireNonNull(self, "self");
        if (configuredSize < 1) {
            throw new IllegalArgumentException("a cluster has at least one node: " + configuredSize);
        }
        this.configuredSize = configuredSize;
    }

    /** @return whether {@code viewSize} members are more than half of the configured nodes */
    static boolean isMajority(int viewSize, int configuredSize) {
        return 2L * viewSize > configuredSize;
    }

    /**
     * Installs the next view.
     *
     * @param next            the view now in force; must contain this node
     * @param subgroups       for a merge view the views that merged, else empty
     * @param departedCleanly tells, for a member gone from the view, whether it announced its departure
     * @return the events the change yields, in delivery order (possibly none); none for a view whose id is not
     *         greater than the current one's, which is ignored
     * @throws IllegalArgumentException if {@code next} does not contain this node
     */
    List<MembershipEvent> install(View next, List<View> subgroups, Predicate<String> departedCleanly) {
        Objects.requireNonNull(next, "next");
        Objects.requireNonNull(subgroups, "subgroups");
        if (!next.contains(self)) {
            throw new IllegalArgumentException("view " + next + " does not contain this node " + self);
        }
        if (current != null && next.id() <= current.id()) {
            return List.of(); // a view already installed, announced twice
        }
        List<MembershipEvent> events = new ArrayList<>();
        List<String> before = current == null ? List.of(self) : current.members();
        for (String node : before) {
            if (!next.contains(node)) {
                events.add(new MembershipEvent.Left(node, next, !departedCleanly.test(node)));
            }
        }
        if (subgroups.isEmpty()) {
            for (String node : next.members()) {
                if (!before.contains(node)) {
                    events.add(new MembershipEvent.Joined(node, next));
                }
            }
        } else {
            events.add(new MembershipEvent.Merged(next, subgroups));
        }
        boolean nowMajority = isMajority(next.size(), configuredSize);
        if (nowMajority && !majority) {
            events.add(new MembershipEvent.MajorityRegained(next));
        } else if (!nowMajority && majority) {
            events.add(new MembershipEvent.MinorityEntered(next));
        }
        current = next;
        majority = nowMajority;
        return events;
    }

    /** @return the view installed last, or null before the first */
    View current() {
        return current;
    }

    /** @return whether the last view holds a majority; false before the first */
    boolean majority() {
        return majority;
    }
}
