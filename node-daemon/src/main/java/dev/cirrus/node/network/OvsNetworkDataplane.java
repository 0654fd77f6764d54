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

/**
 * The Open vSwitch backend: one integration bridge per node, a node-local VLAN tag per network,
 * Geneve or VXLAN tunnel ports per (peer node, network), the same router namespace and dnsmasq as
 * the Linux backend. Each apply is observe → plan → run (a failure is charged to its network or
 * port; a failure of the bridge or its flows stops the rest) → observe again → report.
 */
public final class OvsNetworkDataplane implements NetworkDataplane {
    private final HostCommands host;
    private final Path stateDir;
    private final OvsSettings settings;
    private final OvsNetworkPlanner planner;

    /** @param stateDir this node's state directory (rendered dnsmasq files, the OVS state file) */
    public OvsNetworkDataplane(HostCommands host, Path stateDir, OvsSettings settings) {
        this.host = host;
        this.stateDir = stateDir;
        this.settings = settings;
        this.planner = new OvsNetworkPlanner(stateDir, settings);
    }

    @Override
    public synchronized NodeNetworkReport apply(NodeNetworkDesired desired) {
        NodeHost node = new NodeHost(host, desired.nodeNetns());
        OvsClient client = new OvsClient(node, settings);
        OvsObserver observer = new OvsObserver(node, client, stateDir);
        OvsObserved before = observer.observe(desired);
        List<OvsAction> plan = planner.plan(desired, before);
        List<String> repairs = OvsRepairs.describe(plan, before);

        OvsActionRunner runner = new OvsActionRunner(node, client);
        // Everything builds on the integration bridge and its flow table.
        PlanRun run = PlanRun.execute(plan, runner::run, Set.of(OvsAction.NODE));

        OvsObserved after = observer.observe(desired);
        observer.record(record(desired, after));
        List<OvsAction> remaining = planner.plan(desired, after);
        return report(desired, after, remaining, run.failures(), repairs, run.applied(), run.failed());
    }

    private NodeNetworkReport report(NodeNetworkDesired desired, OvsObserved after, List<OvsAction> remaining,
            Map<String, String> failures, List<String> repairs, List<String> applied, List<String> failed) {
        Map<String, OvsAction> pending = new HashMap<>();
        remaining.forEach(a -> pending.putIfAbsent(a.owner(), a));
        Map<String, Integer> tags = planner.tags(desired, after.db());
        List<NetworkReport> networks = new ArrayList<>();
        List<PortReport> ports = new ArrayList<>();
        for (NetworkDesired network : desired.networks()) {
            Optional<String> problem = OvsNetworkPlanner.unsupported(network)
                    .or(() -> Optional.ofNullable(failures.get(OvsAction.NODE)))
                    .or(() -> Optional.ofNullable(failures.get(network.key())))
                    .or(() -> Optional.ofNullable(pending.getOrDefault(OvsAction.NODE, pending.get(network.key())))
                            .map(a -> "not converged: still to do: " + a.describe()));
            NetworkLayout layout = planner.layout(desired, network);
            String message = problem.orElseGet(() -> "bridge " + settings.bridge() + " vlan " + tags.get(network.key())
                    + ", " + network.encapsulation() + " VNI " + network.vni() + " to "
                    + OvsNetworkPlanner.peers(desired, network).size() + " peer(s), gateway " + layout.gatewayCidr()
                    + " in " + layout.routerNamespace());
            networks.add(new NetworkReport(network.namespace(), network.name(), network.vni(), problem.isEmpty(), message));
            for (PortDesired port : network.ports()) {
                ports.add(port(port, network, after, problem, failures, pending));
            }
        }
        return new NodeNetworkReport(networks, ports, repairs, applied, failed);
    }

    private PortReport port(PortDesired port, NetworkDesired network, OvsObserved after, Optional<String> networkProblem,
            Map<String, String> failures, Map<String, OvsAction> pending) {
        return PortReport.of(port, after.links().get(InterfaceNames.tap(port.vmUid(), port.interfaceName())),
                networkProblem.map(why -> "network " + network.key() + " is not ready: " + why),
                Optional.ofNullable(failures.get(port.key())), Optional.ofNullable(pending.get(port.key())).map(OvsAction::describe),
                "port of " + settings.bridge());
    }

    /** What is in place now among the objects the desired state calls for. */
    private OvsRecordedState record(NodeNetworkDesired desired, OvsObserved after) {
        Set<String> bridges = new HashSet<>();
        if (after.db().bridges().containsKey(settings.bridge())) {
            bridges.add(settings.bridge());
        }
        Set<String> onBridge = after.db().portsOf(settings.bridge());
        Set<String> ports = new HashSet<>(planner.ports(desired, planner.tags(desired, after.db())).keySet());
        ports.retainAll(onBridge);
        Set<String> links = new HashSet<>();
        Set<String> namespaces = new HashSet<>();
        Set<String> dnsmasq = new HashSet<>();
        for (NetworkDesired network : planner.programmed(desired)) {
            NetworkLayout layout = planner.layout(desired, network);
            List<String> names = new ArrayList<>(List.of(layout.routerOutside()));
            network.ports().forEach(p -> names.add(InterfaceNames.tap(p.vmUid(), p.interfaceName())));
            names.stream().filter(after.links()::containsKey).forEach(links::add);
            if (after.gateways().getOrDefault(layout.routerNamespace(), Map.of()).containsKey(layout.routerInside())) {
                links.add(layout.routerInside());
            }
            if (after.namespaces().contains(layout.routerNamespace())) {
                namespaces.add(layout.routerNamespace());
            }
            ObservedNode.Dnsmasq d = after.dnsmasq().get(layout.routerNamespace());
            if (d != null && d.alivePid().isPresent()) {
                dnsmasq.add(layout.routerNamespace());
            }
        }
        boolean flows = !bridges.isEmpty() && after.flows().equals(
                OvsFlows.render(planner.guards(desired), planner.portGuards(desired),
                        OvsNetworkPlanner.ofports(after.db(), onBridge)));
        return new OvsRecordedState(bridges, ports, links, namespaces, dnsmasq, flows);
    }
}
