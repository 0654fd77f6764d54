package dev.cirrus.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import dev.cirrus.node.compute.DomainOwner;
import dev.cirrus.node.compute.DomainState;
import dev.cirrus.node.compute.OwnedDomain;
import org.junit.jupiter.api.Test;

class OrphanSweepTest {
    private static final Instant T0 = Instant.parse("2026-11-27T04:00:00Z");
    private static final Duration GRACE = Duration.ofMinutes(10);

    private static OwnedDomain domain(String uid, String node) {
        return new OwnedDomain("cirrus-" + uid, new DomainOwner(uid, "ns", "vm-" + uid, 1, node, null),
                DomainState.RUNNING, OptionalLong.empty());
    }

    @Test
    void anOrphanIsDueOnlyAfterTheWholeGracePeriod() {
        var domains = List.of(domain("gone", "n1"));
        var first = OrphanSweep.plan("n1", Set.of(), domains, List.of("gone"), Map.of(), T0, GRACE);
        assertThat(first.domains()).isEmpty();
        assertThat(first.vmDirs()).isEmpty();
        assertThat(first.firstSeen()).containsOnlyKeys("domain:cirrus-gone", "dir:gone");

        var almost = OrphanSweep.plan("n1", Set.of(), domains, List.of("gone"), first.firstSeen(), T0.plus(GRACE).minusSeconds(1), GRACE);
        assertThat(almost.domains()).isEmpty();

        var due = OrphanSweep.plan("n1", Set.of(), domains, List.of("gone"), almost.firstSeen(), T0.plus(GRACE), GRACE);
        assertThat(due.domains()).containsExactly("cirrus-gone");
        assertThat(due.vmDirs()).containsExactly("gone");
    }

    @Test
    void whatALiveVmOwnsIsNeverCollectedAndReappearingRestartsTheClock() {
        var domains = List.of(domain("a", "n1"));
        var seen = OrphanSweep.plan("n1", Set.of(), domains, List.of("a"), Map.of(), T0, GRACE).firstSeen();
        // The VM shows up (informer caught up): no longer an orphan, forgotten.
        var live = OrphanSweep.plan("n1", Set.of("a"), domains, List.of("a"), seen, T0.plus(GRACE), GRACE);
        assertThat(live.domains()).isEmpty();
        assertThat(live.vmDirs()).isEmpty();
        assertThat(live.firstSeen()).isEmpty();
        // Gone again: the grace period starts over.
        var again = OrphanSweep.plan("n1", Set.of(), domains, List.of("a"), live.firstSeen(), T0.plus(GRACE.multipliedBy(2)), GRACE);
        assertThat(again.domains()).isEmpty();
    }

    @Test
    void domainsOfOtherNodesOrOfNoRecordedNodeAreNeverTouched() {
        var domains = List.of(domain("x", "n2"), domain("y", null));
        var first = OrphanSweep.plan("n1", Set.of(), domains, List.of(), Map.of(), T0, Duration.ZERO);
        assertThat(first.domains()).isEmpty();
        assertThat(first.firstSeen()).isEmpty();
    }

    @Test
    void aZeroGraceCollectsAtFirstSight() {
        var plan = OrphanSweep.plan("n1", Set.of("live"), List.of(domain("gone", "n1"), domain("live", "n1")),
                List.of("gone", "live"), Map.of(), T0, Duration.ZERO);
        assertThat(plan.domains()).containsExactly("cirrus-gone");
        assertThat(plan.vmDirs()).containsExactly("gone");
    }
}
