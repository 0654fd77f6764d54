package dev.cirrus.operator.network;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Cluster-unique VNIs. The truth is each network's {@code status.vni}; this only remembers the VNIs
 * handed out but not yet seen in the informer cache, so two networks reconciled at once never get
 * the same one. Nothing here has to survive a restart: the API holds every settled VNI.
 */
public final class VniAllocator {
    /** VNIs below this are left for hand-made networks (the seeds use 88 and 99). */
    public static final long FIRST = 4096;
    public static final long LAST = 16_777_215;

    private final Map<String, Long> pending = new HashMap<>();

    /**
     * The VNI network {@code uid} must use: its own (recorded or pending) when no other network
     * holds it, else the lowest free one. {@code recorded} maps network uids to their status VNI.
     */
    public synchronized Optional<Long> vniFor(String uid, Map<String, Long> recorded) {
        pending.entrySet().removeIf(e -> Objects.equals(recorded.get(e.getKey()), e.getValue()));
        Map<String, Long> taken = new HashMap<>(recorded);
        taken.putAll(pending);
        Long mine = taken.remove(uid);
        Set<Long> used = new HashSet<>(taken.values());
        if (mine != null && !used.contains(mine)) {
            return Optional.of(mine);
        }
        for (long vni = FIRST; vni <= LAST; vni++) {
            if (!used.contains(vni)) {
                pending.put(uid, vni);
                return Optional.of(vni);
            }
        }
        return Optional.empty();
    }

    /** The network is gone. */
    public synchronized void forget(String uid) {
        pending.remove(uid);
    }
}
