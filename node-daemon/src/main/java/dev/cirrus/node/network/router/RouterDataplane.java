package dev.cirrus.node.network.router;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jboss.logging.Logger;

import dev.cirrus.node.host.HostCommands;
import dev.cirrus.node.network.NodeHost;
import dev.cirrus.node.network.router.RoutingObserved.RecordedTable;

/**
 * Router services on either overlay backend (after the overlay dataplane made its bridges and the
 * router namespaces, which both backends share): external namespaces, router NAT and firewall
 * tables, and the nft bridge anti-spoofing tables {@link RoutingDesired#bridges()} asks for (the
 * Linux backend's; the OVS backend guards its taps with flows and asks for none). Observe → plan → run (a failure is charged to its owner, the others go on) →
 * observe again → report per exposed VM interface whether its external address is programmed.
 */
public final class RouterDataplane {
    private static final Logger LOG = Logger.getLogger(RouterDataplane.class);
    private final HostCommands host;
    private final RouterStateFile stateFile;

    /** @param stateDir this node's network state directory (a temp dir in tests) */
    public RouterDataplane(HostCommands host, Path stateDir) {
        this.host = host;
        this.stateFile = new RouterStateFile(stateDir);
    }

    public synchronized RoutingReport apply(RoutingDesired desired) {
        RouterActionRunner runner = new RouterActionRunner(new NodeHost(host, desired.nodeNetns()));
        RouterObserver observer = new RouterObserver(runner.commands(), runner.tables(), stateFile);
        RoutingObserved before = observer.observe(desired);
        List<RouterAction> plan = RouterPlanner.plan(desired, before);
        List<String> repairs = repairs(plan, before);

        Map<String, RecordedTable> recorded = new HashMap<>(before.recorded());
        Map<String, String> failures = new LinkedHashMap<>();
        List<String> applied = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (RouterAction action : plan) {
            if (failures.containsKey(action.owner()) && !RouterAction.GC.equals(action.owner())) {
                continue;
            }
            try {
                runner.run(action, recorded);
                applied.add(action.describe());
            } catch (RuntimeException e) {
                LOG.warnf("%s: %s failed: %s", action.owner(), action.describe(), e.getMessage());
                failures.putIfAbsent(action.owner(), action.describe() + " failed: " + e.getMessage());
                failed.add(action.owner() + ": " + action.describe() + " failed: " + e.getMessage());
            }
        }
        stateFile.write(recorded);
        RoutingObserved after = observer.observe(desired);
        List<RouterAction> remaining = RouterPlanner.plan(desired, after);
        return new RoutingReport(report(desired, after, remaining, failures), repairs, applied, failed);
    }

    private static List<String> repairs(List<RouterAction> plan, RoutingObserved observed) {
        List<String> repairs = new ArrayList<>();
        for (RouterAction action : plan) {
            if (action instanceof RouterAction.ApplyTable a) {
                TableDecision decision = TableDecision.of(a.table(), Optional.ofNullable(observed.tables().get(a.table().id())),
                        Optional.ofNullable(observed.recorded().get(a.table().id())));
                if (decision.isRepair()) {
                    repairs.add("re-applied nft table " + a.table().family() + " " + a.table().name()
                            + a.table().netns().map(n -> " in " + n).orElse("") + " (" + decision.why() + ")");
                }
            }
        }
        return List.copyOf(repairs);
    }

    private static List<ExternalReport> report(RoutingDesired desired, RoutingObserved after, List<RouterAction> remaining,
            Map<String, String> failures) {
        Set<String> pending = new HashSet<>();
        remaining.forEach(a -> pending.add(a.owner()));
        List<ExternalReport> reports = new ArrayList<>();
        for (RoutedNetworkDesired network : desired.networks()) {
            String externalOwner = RouterAction.externalOwner(network.externalNetwork());
            Optional<String> problem = RouterPlanner.blocked(desired, network, after)
                    .or(() -> Optional.ofNullable(failures.get(externalOwner)))
                    .or(() -> Optional.ofNullable(failures.get(network.key())))
                    .or(() -> pending.contains(externalOwner) || pending.contains(network.key())
                            ? Optional.of("not converged: rules or routes still differ from the desired state")
                            : Optional.empty());
            for (VmInterfaceDesired nic : network.interfaces()) {
                if (!nic.exposed()) {
                    continue;
                }
                if (nic.externalIP().isEmpty()) {
                    reports.add(new ExternalReport(nic.vmUid(), nic.interfaceName(), Optional.empty(), false,
                            "NoExternalIP", "waiting for the operator to allocate an external address"));
                } else if (problem.isPresent()) {
                    reports.add(new ExternalReport(nic.vmUid(), nic.interfaceName(), nic.externalIP(), false,
                            "NotProgrammed", problem.get()));
                } else {
                    reports.add(new ExternalReport(nic.vmUid(), nic.interfaceName(), nic.externalIP(), true,
                            "Programmed", describe(desired.nodeName(), nic)));
                }
            }
        }
        return reports;
    }

    private static String describe(String nodeName, VmInterfaceDesired nic) {
        String ip = nic.externalIP().orElseThrow();
        List<String> parts = new ArrayList<>();
        if (nic.floating()) {
            parts.add("floating IP " + ip + " → " + nic.ip() + " (" + nic.firewall().size() + " firewall rules)");
        }
        nic.portForwards().forEach(f -> parts.add(f.protocol() + " " + ip + ":" + f.port() + " → " + nic.ip() + ":" + f.targetPort()));
        return String.join(", ", parts) + " on node " + nodeName;
    }
}
