package dev.cirrus.operator.external;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;

import jakarta.inject.Singleton;

import dev.cirrus.operator.ipam.Ipv4;

/**
 * Every external address handed out, per ExternalNetwork, shared by the ExternalNetwork controller
 * (node addresses) and the VM controller (floating and forwarding addresses) under one lock.
 *
 * <p>The truth is in status ({@code ExternalNetwork.status.nodes}, {@code VM status.interfaces[].externalIP}):
 * callers pass what their informer caches record, so after a restart the book starts empty and
 * every settled address is still seen. The book adds the grants made since, which the caches may
 * not show yet (two controllers, two caches): a grant stays until it is released explicitly
 * (the VM no longer wants it or is gone, the node is gone), so a lagging cache can only make an
 * address look taken a little longer, never hand it out twice.
 */
@Singleton
public final class ExternalAddressBook {
    private final Map<String, Map<Ipv4, Holder>> granted = new HashMap<>();

    /**
     * Grants {@code holder} an address of {@code range}: {@code requested} if given (static), else
     * the one it holds (in the book, else {@code recordedHeld} from its status) while that still
     * fits, else the lowest free one. {@code recorded} maps the addresses of this network recorded
     * in status to their holders.
     */
    public synchronized ExternalGrant grant(ExternalRange range, Holder holder, Optional<Ipv4> requested, Optional<Ipv4> recordedHeld,
            Map<Ipv4, Holder> recorded) {
        Map<Ipv4, Holder> used = holders(range.network(), recorded);
        ExternalGrant grant = choose(range, holder, requested, booked(range.network(), holder).or(() -> recordedHeld), used);
        if (grant.granted()) {
            Map<Ipv4, Holder> book = granted.computeIfAbsent(range.network(), n -> new HashMap<>());
            book.values().remove(holder);
            book.put(grant.ip(), holder);
        }
        return grant;
    }

    private static ExternalGrant choose(ExternalRange range, Holder holder, Optional<Ipv4> requested, Optional<Ipv4> held,
            Map<Ipv4, Holder> used) {
        if (requested.isPresent()) {
            Ipv4 ip = requested.get();
            if (!range.contains(ip)) {
                return ExternalGrant.refused(ExternalGrant.OUT_OF_RANGE, ip + " is outside " + range);
            }
            Holder other = used.get(ip);
            if (other != null && !other.equals(holder)) {
                return ExternalGrant.refused(ExternalGrant.CONFLICT, ip + " is already used by " + other);
            }
            return ExternalGrant.of(ip);
        }
        if (held.isPresent() && range.contains(held.get()) && freeFor(used, held.get(), holder)) {
            return ExternalGrant.of(held.get());
        }
        for (long v = range.start().value(); v <= range.end().value(); v++) {
            Ipv4 ip = new Ipv4(v);
            if (freeFor(used, ip, holder)) {
                return ExternalGrant.of(ip);
            }
        }
        return ExternalGrant.refused(ExternalGrant.EXHAUSTED, "no free address left in " + range);
    }

    private static boolean freeFor(Map<Ipv4, Holder> used, Ipv4 ip, Holder holder) {
        Holder other = used.get(ip);
        return other == null || other.equals(holder);
    }

    /** Drops every grant for which {@code which(network, holder)} is true. */
    public synchronized void release(BiPredicate<String, Holder> which) {
        granted.forEach((network, book) -> book.values().removeIf(h -> which.test(network, h)));
        granted.values().removeIf(Map::isEmpty);
    }

    /** The network is gone: all its grants with it. */
    public synchronized void forget(String network) {
        granted.remove(network);
    }

    /** Addresses of {@code range} that neither status nor the book holds. */
    public synchronized long free(ExternalRange range, Map<Ipv4, Holder> recorded) {
        return range.size() - holders(range.network(), recorded).keySet().stream().filter(range::contains).count();
    }

    /** Every address of the network and its holder: recorded in status, overlaid by the (fresher) book. */
    public synchronized Map<Ipv4, Holder> holders(String network, Map<Ipv4, Holder> recorded) {
        Map<Ipv4, Holder> all = new HashMap<>(recorded);
        all.putAll(granted.getOrDefault(network, Map.of()));
        return all;
    }

    private Optional<Ipv4> booked(String network, Holder holder) {
        return granted.getOrDefault(network, Map.of()).entrySet().stream()
                .filter(e -> e.getValue().equals(holder)).map(Map.Entry::getKey).findFirst();
    }
}
