package dev.cirrus.node.network;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which planned OVS actions are repairs (pure): actions on objects the OVS state file says were in
 * place after the last apply. Router-side steps are judged as in the Linux backend's {@link Repairs}.
 */
public final class OvsRepairs {
    private OvsRepairs() {
    }

    public static List<String> describe(List<OvsAction> plan, OvsObserved observed) {
        OvsRecordedState recorded = observed.recorded();
        Set<String> rewritten = new HashSet<>();
        plan.stream().filter(a -> a instanceof OvsAction.Router r && r.step() instanceof Action.WriteDnsmasqConfig)
                .map(OvsAction::owner).forEach(rewritten::add);
        List<String> repairs = new ArrayList<>();
        for (OvsAction action : plan) {
            String repair = null;
            if (action instanceof OvsAction.EnsureBridge a && recorded.bridges().contains(a.bridge())) {
                repair = "re-created bridge " + a.bridge() + " " + (observed.db().bridges().containsKey(a.bridge())
                        ? "(was misconfigured)" : "(was missing)");
            } else if (action instanceof OvsAction.EnsurePort a && recorded.ports().contains(a.spec().name())) {
                repair = (a.create() ? "re-added port " : a.recreate() ? "re-attached port " : "re-configured port ")
                        + a.spec().name() + " on " + a.bridge()
                        + (a.create() ? " (was missing)" : a.recreate() ? " (its device was re-created or broken)"
                                : " (was changed)");
            } else if (action instanceof OvsAction.TuneLink a && recorded.links().contains(a.name())) {
                repair = observed.links().containsKey(a.name()) ? "set " + a.name() + " mtu " + a.mtu() + " up (was changed)"
                        : "re-created tap " + a.name() + " (was missing)";
            } else if (action instanceof OvsAction.SyncFlows a && a.drifted() && recorded.flows()) {
                repair = "re-installed flows on " + a.bridge() + " (were missing or changed)";
            } else if (action instanceof OvsAction.Router a) {
                repair = router(a.step(), observed, recorded, rewritten);
            }
            if (repair != null) {
                repairs.add(repair);
            }
        }
        return List.copyOf(repairs);
    }

    private static String router(Action step, OvsObserved observed, OvsRecordedState recorded, Set<String> rewritten) {
        if (step instanceof Action.EnsureRouterNamespace a && recorded.namespaces().contains(a.netns())) {
            return "re-created router namespace " + a.netns() + " (was missing)";
        }
        if (step instanceof Action.ConfigureGateway a && recorded.links().contains(a.inside())) {
            return "re-configured gateway " + a.cidr() + " on " + a.inside() + " (was missing or changed)";
        }
        if (step instanceof Action.RestartDnsmasq a && recorded.runningDnsmasq().contains(a.netns())
                && !rewritten.contains(a.owner())) {
            return "restarted dnsmasq for " + a.owner() + " (was not running)";
        }
        return null;
    }
}
