package dev.takeover.cluster;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A change of the cluster's membership as one node sees it, delivered to {@link MembershipListener}s in the order
 * the views were installed. Every event carries the view in force after the change.
 *
 * <p>One view change yields, in this order: a {@link Left} per member gone, then either a {@link Joined} per member
 * added or, for a view that heals a partition, one {@link Merged}; then {@link MinorityEntered} or
 * {@link MajorityRegained} if the node crossed the majority line (see {@link Membership#isMajority()}).
 */
public sealed interface MembershipEvent {

    /** @return the view in force after this change */
    View view();

    /**
     * {@code node} is a member now and was not in the previous view. The first view a node installs reports every
     * other member as joined.
     *
     * @param node the node that joined
     * @param view the view including it
     */
    record Joined(String node, View view) implements MembershipEvent {
        public Joined {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(view, "view");
        }
    }

    /**
     * {@code node} is no longer a member.
     *
     * @param node    the node that left
     * @param view    the surviving view
     * @param crashed {@code false} if the node announced its departure (a clean {@link ClusterNode#close()}), and
     *                {@code true} otherwise: a dead process, a cut link or a node this one could no longer reach,
     *                which from here are indistinguishable
     */
    record Left(String node, View view, boolean crashed) implements MembershipEvent {
        public Left {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(view, "view");
        }
    }

    /**
     * Partitions that had split healed into {@code view}. Members new to this node are not reported as
     * {@link Joined}: compare the subgroups.
     *
     * @param view      the merged view
     * @param subgroups the views that merged, this node's own among them; their ids are unknown here and given as
     *                  {@code -1}
     */
    record Merged(View view, List<View> subgroups) implements MembershipEvent {
        public Merged {
            Objects.requireNonNull(view, "view");
            subgroups = List.copyOf(subgroups);
        }

        /**
         * @param quorum members a view needs for a majority ({@link Membership#quorum()})
         * @return the subgroup that held a majority on its own before the merge, if one did (at most one can)
         */
        public Optional<View> majoritySubgroup(int quorum) {
            return subgroups.stream().filter(v -> v.size() >= quorum).findFirst();
        }
    }

    /**
     * This node's view no longer holds more than half of the cluster file's nodes: it must not act on the cluster's
     * behalf (take addresses over, claim connections) until {@link MajorityRegained}.
     *
     * @param view the minority view
     */
    record MinorityEntered(View view) implements MembershipEvent {
        public MinorityEntered {
            Objects.requireNonNull(view, "view");
        }
    }

    /**
     * This node's view holds more than half of the cluster file's nodes again (or for the first time, once enough
     * nodes have started).
     *
     * @param view the majority view
     */
    record MajorityRegained(View view) implements MembershipEvent {
        public MajorityRegained {
            Objects.requireNonNull(view, "view");
        }
    }
}
