package dev.takeover.cluster;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One cluster view as this node saw it: the members by node name, in the view's order.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id          the view's number; a later view of the same cluster has a greater id, except that the two sides
 *                    of a partition number their views independently
 * @param members     the node names (cluster-file names) in view order, at least one, no repeats; copied
 * @param coordinator the view's coordinator, which is its first member
 */
public record View(long id, List<String> members, String coordinator) {

    /**
     * @throws NullPointerException     if {@code members} or an element is null
     * @throws IllegalArgumentException if {@code members} is empty or repeats a name, or {@code coordinator} is not
     *                                  its first member
     */
    public View {
        members = List.copyOf(members);
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a view has at least one member");
        }
        if (new HashSet<>(members).size() != members.size()) {
            throw new IllegalArgumentException("a view lists each member once: " + members);
        }
        if (!members.getFirst().equals(coordinator)) {
            throw new IllegalArgumentException("the coordinator " + coordinator + " is not the first member of "
                    + members);
        }
    }

    /** @return the view of {@code members}, coordinated by the first */
    public static View of(long id, List<String> members) {
        Objects.requireNonNull(members, "members");
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a view has at least one member");
        }
        return new View(id, members, members.getFirst());
    }

    /** @return the number of members */
    public int size() {
        return members.size();
    }

    /** @return whether {@code node} is a member */
    public boolean contains(String node) {
        return members.contains(node);
    }

    /** @return the members as a set */
    public Set<String> memberSet() {
        return Set.copyOf(members);
    }

    /** @return {@code 7:[n1, n2]} */
    @Override
    public String toString() {
        return id + ":" + members;
    }
}
