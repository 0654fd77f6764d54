package dev.cirrus.node.network;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;


import dev.cirrus.node.host.HostCommands;
import dev.cirrus.node.network.ObservedNode.Link;

/**
 * The Linux backend: one bridge and one kernel VXLAN device per network per node. Each apply is
 * observe → plan → run every action (a failure is charged to its network or port and the rest go
 * on) → observe again → report, so readiness is what the host shows afterwards, not what was tried.
 */
public final class LinuxNetworkDataplane implements NetworkDataplane {
    private final HostCommands host;
    private final NetworkPlanner planner;
    private final StateFile stateFile;

    /** @param stateDir this node's state directory (e.g. /var/lib/cirrus/&lt;node&gt;; a temp dir in tests) */
    public LinuxNetworkDataplane(HostCommands host, Path stateDir) {
        this.host = host;
        this.planner = new NetworkPlanner(stateDir);
        this.stateFile = new StateFile(stateDir);
    }

    @Override
    public synchronized NodeNetworkReport apply(NodeNetworkDesired desired) {
        NodeHost node = new NodeHost(host, desired.nodeNetns());
        HostObserver observer = new HostObserver(node, planner, stateFile);
        ObservedNode before = observer.observe(desired);
        List<Action> plan = planner.plan(desired, before);
        List<Repair> repairs = Repairs.of(plan, before);

        ActionRunner runner = new ActionRunner(node);
        PlanRun run = PlanRun.execute(plan, runner::run, Set.of());

        ObservedNode after = observer.observe(desired);
        stateFile.write(record(desired, after));
        List<Action> remaining = planner.plan(desired, after);
        return report(desired, after, remaining, run.failures(), repairs, run.applied(), run.failed());
    }

    private NodeNetworkReport report(NodeNetworkDesired desired, ObservedNode after, List<Action> remaining,
            Map<String, String> failures, List<Repair> repairs, List<String> applied, List<String> failed) {
        Map<String, Action> pending = new HashMap<>();
        remaining.forEach(a -> pending.putIfAbsent(a.owner(), a));
        List<NetworkReport> networks = new ArrayList<>();
        List<PortReport> ports = new ArrayList<>();
        for (NetworkDesired network : desired.networks()) {
            Optional<String> unsupported = NetworkPlanner.unsupported(network);
            NetworkLayout layout = planner.layout(desired, network);
            String message;
            if (unsupported.isPresent()) {
                message = unsupported.get();
            } else if (failures.containsKey(network.key())) {
                message = failures.get(network.key());
            } else if (pending.containsKey(network.key())) {
                message = "not converged: still to do: " + pending.get(network.key()).describe();
            } else {
                message = "bridge " + layout.bridge() + ", vxlan " + layout.vxlan() + " (VNI " + network.vni()
                        + "), gateway " + layout.gatewayCidr() + " in " + layout.routerNamespace();
            }
            boolean networkReady = unsupported.isEmpty() && !failures.containsKey(network.key())
                    && !pending.containsKey(network.key());
            networks.add(new NetworkReport(network.namespace(), network.name(), network.vni(), networkReady, message));
            for (PortDesired port : network.ports()) {
                ports.add(port(port, network, layout, after, unsupported, failures, pending));
            }
        }
        return new NodeNetworkReport(networks, ports, repairs.stream().map(Repair::message).toList(), applied, failed,
                repairs);
    }

    private static PortReport port(PortDesired port, NetworkDesired network, NetworkLayout layout, ObservedNode after,
            Optional<String> unsupported, Map<String, String> failures, Map<String, Action> pending) {
        Link tap = unsupported.isPresent() ? null : after.links().get(InterfaceNames.tap(port.vmUid(), port.interfaceName()));
        return PortReport.of(port, tap, unsupported.map(why -> "network " + network.key() + " is not programmed: " + why),
                Optional.ofNullable(failures.get(port.key())), Optional.ofNullable(pending.get(port.key())).map(Action::describe),
                "attached to " + layout.bridge());
    }

    /** What is in place now among the objects the desired state calls for. */
    private RecordedState record(NodeNetworkDesired desired, ObservedNode after) {
        Set<String> links = new HashSet<>();
        Map<String, Set<String>> fdb = new HashMap<>();
        Set<String> namespaces = new HashSet<>();
        Set<String> dnsmasq = new HashSet<>();
        Set<String> tables = new HashSet<>();
        for (NetworkDesired network : desired.networks()) {
            if (NetworkPlanner.unsupported(network).isPresent()) {
                continue;
            }
            NetworkLayout layout = planner.layout(desired, network);
            List<String> names = new ArrayList<>(List.of(layout.bridge(), layout.vxlan(), layout.routerOutside()));
            network.ports().forEach(p -> names.add(InterfaceNames.tap(p.vmUid(), p.interfaceName())));
            names.stream().filter(after.links()::containsKey).forEach(links::add);
            if (after.gateways().getOrDefault(layout.routerNamespace(), Map.of()).containsKey(layout.routerInside())) {
                links.add(layout.routerInside());
            }
            Optional.ofNullable(after.fdbPeers().get(layout.vxlan())).ifPresent(p -> fdb.put(layout.vxlan(), p));
            if (after.namespaces().contains(layout.routerNamespace())) {
                namespaces.add(layout.routerNamespace());
            }
            ObservedNode.Dnsmasq d = after.dnsmasq().get(layout.routerNamespace());
            if (d != null && d.alivePid().isPresent()) {
                dnsmasq.add(layout.routerNamespace());
            }
            if (after.nftTables().contains(layout.isolationTable())) {
                tables.add(layout.isolationTable());
            }
        }
        return new RecordedState(links, fdb, namespaces, dnsmasq, tables);
    }
}
