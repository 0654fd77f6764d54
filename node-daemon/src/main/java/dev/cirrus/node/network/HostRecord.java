package dev.cirrus.node.network;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** A DNS name the network's dnsmasq answers: a VM's hostname and its allocated address, wherever the VM runs. */
public record HostRecord(String hostname, String ip) {
    public static final Comparator<HostRecord> ORDER = Comparator.comparing(HostRecord::hostname)
            .thenComparing(HostRecord::ip);

    /** The records of these ports alone (a node that knows only its own VMs). */
    public static List<HostRecord> of(Collection<PortDesired> ports) {
        return ports.stream().map(p -> new HostRecord(p.hostname(), p.ip())).sorted(ORDER).distinct().toList();
    }
}
