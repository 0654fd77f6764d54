package dev.cirrus.node.network;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Renders one network's dnsmasq configuration (pure; golden-file tested).
 *
 * <p>Decisions:
 * <ul>
 * <li>DHCP is static-only ({@code dhcp-range=<net>,static}): the operator allocates every VM address
 * from the network's range, and each node runs its own dnsmasq, so a dynamic pool would hand the
 * same address out on two nodes. Only the reservations of this node's ports are listed: the
 * gateway isolation keeps every frame from the gateway MAC off the tunnel, so a node's dnsmasq can
 * only ever answer its own VMs; listing the others would only fill its lease file with remote VMs
 * (a remote VM's broadcast DHCPREQUEST does reach it) and restart it on every remote change.</li>
 * <li>DNS names ({@code host-record}) are those of every VM on the network, on any node: a VM
 * resolves its peers wherever they run, and the answer is the same on every node.</li>
 * <li>VMs always get the gateway as their DNS server: dnsmasq answers the network's own names
 * ({@code host-record}) and forwards the rest to the spec's servers ({@code server=}); handing the
 * upstream servers out directly would make VM names unresolvable. {@code no-resolv}: the host's
 * resolver is never a tenant's upstream.</li>
 * <li>Everything (reservations included) lives in this one file and dnsmasq is restarted when it
 * changes: the lease file survives restarts, and a restart is the only way to change a range.</li>
 * </ul>
 */
public final class DnsmasqConfig {
    static final String LEASE_TIME = "12h";

    private DnsmasqConfig() {
    }

    public static String render(NetworkDesired network, NetworkLayout layout) {
        Ipv4Subnet subnet = Ipv4Subnet.parse(network.cidr());
        List<String> lines = new ArrayList<>();
        lines.add("# Rendered by Cirrus for network " + network.key() + " (VNI " + network.vni() + "): do not edit.");
        lines.add("interface=" + layout.routerInside());
        lines.add("bind-interfaces");
        lines.add("except-interface=lo");
        lines.add("dhcp-range=" + subnet.networkAddress() + ",static," + subnet.netmask() + "," + LEASE_TIME);
        lines.add("dhcp-authoritative");
        lines.add("dhcp-option=option:router," + network.gatewayIp());
        lines.add("dhcp-option=option:dns-server," + network.gatewayIp());
        network.searchDomain().ifPresent(domain -> {
            lines.add("dhcp-option=option:domain-search," + domain);
            lines.add("domain=" + domain);
        });
        // Forced: many clients (busybox udhcpc among them) do not ask for option 26, and a VM left at
        // 1500 on a 1450 overlay loses every full-size packet.
        lines.add("dhcp-option-force=option:mtu," + layout.mtu());
        lines.add("no-resolv");
        lines.add("no-hosts");
        for (String server : network.dnsServers()) {
            lines.add("server=" + server);
        }
        List<PortDesired> ports = new ArrayList<>(network.ports());
        ports.sort(Comparator.comparing(PortDesired::mac));
        for (PortDesired port : ports) {
            lines.add("dhcp-host=" + port.mac() + "," + port.ip() + "," + port.hostname());
        }
        for (HostRecord record : network.hostRecords()) {
            String names = network.searchDomain().map(d -> record.hostname() + "." + d + "," + record.hostname())
                    .orElse(record.hostname());
            lines.add("host-record=" + names + "," + record.ip());
        }
        lines.add("dhcp-leasefile=" + layout.dnsmasq().leases());
        lines.add("pid-file=" + layout.dnsmasq().pid());
        lines.add("log-facility=" + layout.dnsmasq().log());
        return String.join("\n", lines) + "\n";
    }
}
