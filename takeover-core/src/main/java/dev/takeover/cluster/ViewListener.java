package dev.takeover.cluster;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachemanagerlistener.annotation.Merged;
import org.infinispan.notifications.cachemanagerlistener.annotation.ViewChanged;
import org.infinispan.notifications.cachemanagerlistener.event.MergeEvent;
import org.infinispan.notifications.cachemanagerlistener.event.ViewChangedEvent;
import org.infinispan.remoting.transport.Address;

/**
 * Feeds Infinispan's view notifications into {@link Membership}. Infinispan calls {@code @Merged} methods, and only
 * those, for a view that heals a partition, and {@code @ViewChanged} methods for every other view: both are needed.
 *
 * <p>Called by Infinispan one view at a time, on the thread that installs the view.
 */
@Listener(sync = true)
final class ViewListener {

    private final Membership membership;
    private final Predicate<String> departedCleanly;
    /**
     * The name of every member seen: Infinispan resolves an address to its node name through a cache it prunes of
     * departed members, so names are remembered from the first view that shows them.
     */
    private final Map<Address, String> names = new ConcurrentHashMap<>();

    ViewListener(Membership membership, Predicate<String> departedCleanly) {
        this.membership = Objects.requireNonNull(membership, "membership");
        this.departedCleanly = Objects.requireNonNull(departedCleanly, "departedCleanly");
    }

    @ViewChanged
    public void viewChanged(ViewChangedEvent event) {
        membership.install(view(event.getViewId(), event.getNewMembers()), List.of(), departedCleanly);
        forgetDeparted(event.getNewMembers());
    }

    @Merged
    public void merged(MergeEvent event) {
        List<View> subgroups = event.getSubgroupsMerged().stream()
                .map(group -> view(-1, group))
                .toList();
        membership.install(view(event.getViewId(), event.getNewMembers()), subgroups, departedCleanly);
        forgetDeparted(event.getNewMembers());
    }

    /** Departed members are known by name to {@link Membership} already; a restarted node has a new address. */
    private void forgetDeparted(List<Address> members) {
        names.keySet().retainAll(members);
    }

    /** Installs the view current when the listener is registered, in case Infinispan announced it before. */
    void installCurrent(long viewId, List<Address> members) {
        membership.install(view(viewId, members), List.of(), departedCleanly);
    }

    private View view(long id, List<Address> members) {
        return View.of(id, members.stream().map(this::name).toList());
    }

    private String name(Address address) {
        return names.computeIfAbsent(address, Address::toString);
    }
}
