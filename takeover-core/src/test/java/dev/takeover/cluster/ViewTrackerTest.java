package dev.takeover.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.takeover.cluster.MembershipEvent.Joined;
import dev.takeover.cluster.MembershipEvent.Left;
import dev.takeover.cluster.MembershipEvent.MajorityRegained;
import dev.takeover.cluster.MembershipEvent.Merged;
import dev.takeover.cluster.MembershipEvent.MinorityEntered;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ViewTrackerTest {

    /** One view installed: the view, the merged subgroups (empty unless a merge), who left cleanly. */
    private record Install(View view, List<View> subgroups, Set<String> cleanly) {
        static Install of(long id, String... members) {
            return new Install(View.of(id, List.of(members)), List.of(), Set.of());
        }

        Install cleanly(String... nodes) {
            return new Install(view, subgroups, Set.of(nodes));
        }

        Install merging(View... groups) {
            return new Install(view, List.of(groups), cleanly);
        }
    }

    private static View v(long id, String... members) {
        return View.of(id, List.of(members));
    }

    static Stream<Arguments> sequences() {
        return Stream.of(
                Arguments.of("first node of three starts alone: minority, nothing to report", "n1", 3,
                        List.of(Install.of(1, "n1")),
                        List.of()),
                Arguments.of("second node joins: both sides learn of each other and reach a majority", "n1", 3,
                        List.of(Install.of(1, "n1"), Install.of(2, "n1", "n2")),
                        List.of(new Joined("n2", v(2, "n1", "n2")), new MajorityRegained(v(2, "n1", "n2")))),
                Arguments.of("a joiner's first view reports the members already there", "n3", 3,
                        List.of(Install.of(3, "n1", "n2", "n3")),
                        List.of(new Joined("n1", v(3, "n1", "n2", "n3")), new Joined("n2", v(3, "n1", "n2", "n3")),
                                new MajorityRegained(v(3, "n1", "n2", "n3")))),
                Arguments.of("a crashed member leaves; two of three remain a majority", "n1", 3,
                        List.of(Install.of(3, "n1", "n2", "n3"), Install.of(4, "n1", "n2")),
                        List.of(new Joined("n2", v(3, "n1", "n2", "n3")), new Joined("n3", v(3, "n1", "n2", "n3")),
                                new MajorityRegained(v(3, "n1", "n2", "n3")),
                                new Left("n3", v(4, "n1", "n2"), true))),
                Arguments.of("a member that announced its departure left cleanly", "n1", 3,
                        List.of(Install.of(3, "n1", "n2", "n3"), Install.of(4, "n1", "n2").cleanly("n3")),
                        List.of(new Joined("n2", v(3, "n1", "n2", "n3")), new Joined("n3", v(3, "n1", "n2", "n3")),
                                new MajorityRegained(v(3, "n1", "n2", "n3")),
                                new Left("n3", v(4, "n1", "n2"), false))),
                Arguments.of("one node cut off from two: both others gone, and it knows it is the minority", "n3", 3,
                        List.of(Install.of(3, "n1", "n2", "n3"), Install.of(4, "n3")),
                        List.of(new Joined("n1", v(3, "n1", "n2", "n3")), new Joined("n2", v(3, "n1", "n2", "n3")),
                                new MajorityRegained(v(3, "n1", "n2", "n3")),
                                new Left("n1", v(4, "n3"), true), new Left("n2", v(4, "n3"), true),
                                new MinorityEntered(v(4, "n3")))),
                Arguments.of("the partition heals: one Merged event, majority regained", "n3", 3,
                        List.of(Install.of(3, "n1", "n2", "n3"), Install.of(4, "n3"),
                                Install.of(5, "n1", "n2", "n3").merging(v(-1, "n1", "n2"), v(-1, "n3"))),
                        List.of(new Joined("n1", v(3, "n1", "n2", "n3")), new Joined("n2", v(3, "n1", "n2", "n3")),
                                new MajorityRegained(v(3, "n1", "n2", "n3")),
                                new Left("n1", v(4, "n3"), true), new Left("n2", v(4, "n3"), true),
                                new MinorityEntered(v(4, "n3")),
                                new Merged(v(5, "n1", "n2", "n3"), List.of(v(-1, "n1", "n2"), v(-1, "n3"))),
                                new MajorityRegained(v(5, "n1", "n2", "n3")))),
                Arguments.of("an even split leaves neither half a majority", "n1", 4,
                        List.of(Install.of(4, "n1", "n2", "n3", "n4"), Install.of(5, "n1", "n2")),
                        List.of(new Joined("n2", v(4, "n1", "n2", "n3", "n4")),
                                new Joined("n3", v(4, "n1", "n2", "n3", "n4")),
                                new Joined("n4", v(4, "n1", "n2", "n3", "n4")),
                                new MajorityRegained(v(4, "n1", "n2", "n3", "n4")),
                                new Left("n3", v(5, "n1", "n2"), true), new Left("n4", v(5, "n1", "n2"), true),
                                new MinorityEntered(v(5, "n1", "n2")))),
                Arguments.of("a single-node cluster is its own majority", "n1", 1,
                        List.of(Install.of(1, "n1")),
                        List.of(new MajorityRegained(v(1, "n1")))),
                Arguments.of("one view can replace a member: the leave is reported before the join", "n1", 3,
                        List.of(Install.of(1, "n1"), Install.of(2, "n1", "n2"), Install.of(3, "n1", "n3")),
                        List.of(new Joined("n2", v(2, "n1", "n2")), new MajorityRegained(v(2, "n1", "n2")),
                                new Left("n2", v(3, "n1", "n3"), true), new Joined("n3", v(3, "n1", "n3")))),
                Arguments.of("a view announced twice, or an older one, changes nothing", "n1", 3,
                        List.of(Install.of(2, "n1", "n2"), Install.of(2, "n1", "n2"), Install.of(1, "n1")),
                        List.of(new Joined("n2", v(2, "n1", "n2")), new MajorityRegained(v(2, "n1", "n2")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sequences")
    void viewSequencesYieldTheseEvents(String description, String self, int configuredSize, List<Install> installs,
            List<MembershipEvent> expected) {
        ViewTracker tracker = new ViewTracker(self, configuredSize);
        List<MembershipEvent> events = new ArrayList<>();
        for (Install install : installs) {
            events.addAll(tracker.install(install.view(), install.subgroups(), install.cleanly()::contains));
        }
        assertThat(events).containsExactlyElementsOf(expected);
        assertThat(tracker.current()).isEqualTo(installs.stream()
                .map(Install::view).reduce((a, b) -> b.id() > a.id() ? b : a).orElseThrow());
    }

    static Stream<Arguments> majorities() {
        return Stream.of(
                Arguments.of(1, 1, true), Arguments.of(1, 2, false), Arguments.of(2, 2, true),
                Arguments.of(1, 3, false), Arguments.of(2, 3, true), Arguments.of(2, 4, false),
                Arguments.of(3, 4, true), Arguments.of(2, 5, false), Arguments.of(3, 5, true));
    }

    @ParameterizedTest(name = "{0} of {1} nodes: majority {2}")
    @MethodSource("majorities")
    void majorityIsMoreThanHalfOfTheConfiguredNodes(int viewSize, int configured, boolean majority) {
        assertThat(ViewTracker.isMajority(viewSize, configured)).isEqualTo(majority);
    }

    @Test
    void aViewWithoutThisNodeIsRejected() {
        ViewTracker tracker = new ViewTracker("n1", 3);
        assertThatThrownBy(() -> tracker.install(v(1, "n2", "n3"), List.of(), n -> false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n1");
    }

    @Test
    void aClusterHasAtLeastOneNode() {
        assertThatThrownBy(() -> new ViewTracker("n1", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    static Stream<Arguments> badViews() {
        return Stream.of(
                Arguments.of(List.of(), "n1", "at least one member"),
                Arguments.of(List.of("n1", "n1"), "n1", "once"),
                Arguments.of(List.of("n1", "n2"), "n2", "not the first member"));
    }

    @ParameterizedTest(name = "{0} coordinated by {1}")
    @MethodSource("badViews")
    void badViewsAreRejected(List<String> members, String coordinator, String message) {
        assertThatThrownBy(() -> new View(1, members, coordinator))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }
}
