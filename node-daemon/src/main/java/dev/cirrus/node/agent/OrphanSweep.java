package dev.cirrus.node.agent;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.cirrus.node.compute.OwnedDomain;

/**
 * Garbage collection of what a VM leaves on the node when its normal clean-up never ran (the VM was
 * deleted or moved while the daemon was down, a finalizer was forced off...): libvirt domains that
 * this node's daemon defined and VM directories (disks, seed, console log) whose VM no longer
 * exists here. Something becomes due only after it has been seen orphaned for the whole grace
 * period, so a VM that appears late (informer still syncing, a slow apply) never loses its files.
 * Domains of other nodes' daemons, or without a node in their metadata, are never touched. Pure.
 */
final class OrphanSweep {
    private OrphanSweep() {
    }

    /**
     * @param domains   domains to destroy and undefine now
     * @param vmDirs    VM UIDs whose directory to remove now (after their domain)
     * @param firstSeen when each current orphan ("domain:name" / "dir:uid") was first seen: pass it to the next sweep
     */
    record Plan(List<String> domains, List<String> vmDirs, Map<String, Instant> firstSeen) {
    }

    /**
     * @param node      this node's name
     * @param liveUids  UIDs of every VM this node holds (placed here, including those being deleted)
     * @param domains   the domains with Cirrus metadata on this node's libvirtd
     * @param dirUids   the VM directories present (named by VM UID)
     * @param firstSeen the previous sweep's {@link Plan#firstSeen()} (empty after a daemon start)
     */
    static Plan plan(String node, Set<String> liveUids, Collection<OwnedDomain> domains, Collection<String> dirUids,
                     Map<String, Instant> firstSeen, Instant now, Duration grace) {
        Map<String, Instant> seen = new HashMap<>();
        List<String> dueDomains = new ArrayList<>();
        List<String> dueDirs = new ArrayList<>();
        for (OwnedDomain domain : domains) {
            if (domain.owner().managedBy(node) && !liveUids.contains(domain.owner().vmUid())
                    && orphanDue("domain:" + domain.name(), firstSeen, seen, now, grace)) {
                dueDomains.add(domain.name());
            }
        }
        for (String uid : dirUids) {
            if (!liveUids.contains(uid) && orphanDue("dir:" + uid, firstSeen, seen, now, grace)) {
                dueDirs.add(uid);
            }
        }
        return new Plan(List.copyOf(dueDomains), List.copyOf(dueDirs), Map.copyOf(seen));
    }

    private static boolean orphanDue(String key, Map<String, Instant> before, Map<String, Instant> seen, Instant now,
                                     Duration grace) {
        Instant first = before.getOrDefault(key, now);
        seen.put(key, first);
        return !first.plus(grace).isAfter(now);
    }
}
