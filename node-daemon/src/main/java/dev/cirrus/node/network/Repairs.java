package dev.cirrus.node.network;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.cirrus.node.network.Action.AddFdbPeer;
import dev.cirrus.node.network.Action.ConfigureGateway;
import dev.cirrus.node.network.Action.CreateBridge;
import dev.cirrus.node.network.Action.CreateTap;
import dev.cirrus.node.network.Action.CreateVxlan;
import dev.cirrus.node.network.Action.EnsureRouterNamespace;
import dev.cirrus.node.network.Action.IsolateGateway;
import dev.cirrus.node.network.Action.RestartDnsmasq;
import dev.cirrus.node.network.Action.SetLinkUp;
import dev.cirrus.node.network.Action.SetMaster;
import dev.cirrus.node.network.Action.SetMtu;
import dev.cirrus.node.network.Action.WriteDnsmasqConfig;

/**
 * Which planned actions are repairs (pure): actions on objects the state file says were in place
 * after the last apply. New networks, ports and peers are changes, not repairs.
 */
public final class Repairs {
    private Repairs() {
    }

    public static List<String> describe(List<Action> plan, ObservedNode observed) {
        return of(plan, observed).stream().map(Repair::message).toList();
    }

    public static List<Repair> of(List<Action> plan, ObservedNode observed) {
        RecordedState recorded = observed.recorded();
        Set<String> rewritten = new HashSet<>();
        plan.stream().filter(WriteDnsmasqConfig.class::isInstance).map(Action::owner).forEach(rewritten::add);
        List<Repair> repairs = new ArrayList<>();
        for (Action action : plan) {
            String o = action.owner();
            Repair repair = null;
            if (action instanceof CreateBridge a && recorded.links().contains(a.name())) {
                repair = new Repair("bridge", a.name(), o, "re-created bridge " + a.name() + " " + was(observed, a.name()));
            } else if (action instanceof CreateVxlan a && recorded.links().contains(a.name())) {
                repair = new Repair("vxlan", a.name(), o, "re-created vxlan " + a.name() + " " + was(observed, a.name()));
            } else if (action instanceof CreateTap a && recorded.links().contains(a.name())) {
                repair = new Repair("tap", a.name(), o, "re-created tap " + a.name() + " (was missing)");
            } else if (action instanceof SetMaster a && recorded.links().contains(a.link())) {
                repair = new Repair(kindOf(a.link()), a.link(), o,
                        "re-attached " + a.link() + " to " + a.bridge() + " (was detached)");
            } else if (action instanceof SetLinkUp a && recorded.links().contains(a.link())) {
                repair = new Repair(kindOf(a.link()), a.link(), o, "set " + a.link() + " up (was down)");
            } else if (action instanceof SetMtu a && recorded.links().contains(a.link())) {
                repair = new Repair(kindOf(a.link()), a.link(), o,
                        "set " + a.link() + " mtu " + a.mtu() + " (was " + observed.links().get(a.link()).mtu() + ")");
            } else if (action instanceof AddFdbPeer a
                    && recorded.fdbPeers().getOrDefault(a.vxlan(), Set.of()).contains(a.peer())) {
                repair = new Repair("fdb", a.vxlan() + " dst " + a.peer(), o,
                        "re-added fdb peer " + a.peer() + " on " + a.vxlan() + " (was missing)");
            } else if (action instanceof EnsureRouterNamespace a && recorded.namespaces().contains(a.netns())) {
                repair = new Repair("router-namespace", a.netns(), o,
                        "re-created router namespace " + a.netns() + " (was missing)");
            } else if (action instanceof ConfigureGateway a && recorded.links().contains(a.inside())) {
                repair = new Repair("gateway", a.inside(), o,
                        "re-configured gateway " + a.cidr() + " on " + a.inside() + " (was missing or changed)");
            } else if (action instanceof IsolateGateway a && recorded.nftTables().contains(a.table())) {
                repair = new Repair("nft-table", a.table(), o, "re-created nft table bridge " + a.table() + " (was missing)");
            } else if (action instanceof RestartDnsmasq a && recorded.runningDnsmasq().contains(a.netns())
                    && !rewritten.contains(a.owner())) {
                repair = new Repair("dnsmasq", a.netns(), o, "restarted dnsmasq for " + a.owner() + " (was not running)");
            }
            if (repair != null) {
                repairs.add(repair);
            }
        }
        return List.copyOf(repairs);
    }

    /** The kind of a Cirrus link, from its name's prefix (see {@link InterfaceNames}). */
    static String kindOf(String link) {
        if (link.startsWith("cb")) {
            return "bridge";
        } else if (link.startsWith("cx")) {
            return "vxlan";
        } else if (link.startsWith("ct")) {
            return "tap";
        }
        return "link";
    }

    private static String was(ObservedNode observed, String name) {
        return observed.links().containsKey(name) ? "(was misconfigured)" : "(was missing)";
    }
}
