package dev.cirrus.node.network;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies OVS actions to the node's Open vSwitch: the integration bridge, its ports and its flow
 * table. Every write is idempotent ({@code --may-exist}/{@code --if-exists}, full column values)
 * and verified: vswitchd accepts many broken rows with exit code 0, so each bridge and port is read
 * back and an interface without an OpenFlow port, or with an error, fails the action.
 */
public final class OvsDriver {
    private final OvsClient ovs;

    public OvsDriver(OvsClient ovs) {
        this.ovs = ovs;
    }

    public void ensureBridge(OvsAction.EnsureBridge action) {
        ovs.vsctl("--may-exist", "add-br", action.bridge(), "--", "set", "Bridge", action.bridge(),
                "datapath_type=" + action.datapathType(), "external_ids:cirrus-node=" + action.nodeName());
        verify(action.bridge(), "bridge");
    }

    public void ensurePort(OvsAction.EnsurePort action) {
        OvsPortSpec spec = action.spec();
        List<String> args = new ArrayList<>();
        if (action.recreate()) {
            args.addAll(List.of("--if-exists", "del-port", action.bridge(), spec.name(), "--"));
        }
        args.addAll(List.of("--may-exist", "add-port", action.bridge(), spec.name(),
                "--", "set", "Port", spec.name(), "tag=" + spec.tag(), "protected=" + spec.isProtected()));
        new TreeMap<>(spec.externalIds()).forEach((k, v) -> args.add("external_ids:" + k + "=" + v));
        if (spec.isTunnel()) {
            args.addAll(List.of("--", "clear", "Interface", spec.name(), "options",
                    "--", "set", "Interface", spec.name(), "type=" + spec.type()));
            new TreeMap<>(spec.options()).forEach((k, v) -> args.add("options:" + k + "=" + v));
        }
        ovs.vsctl(args);
        verify(spec.name(), "port");
    }

    public void deletePort(OvsAction.DeletePort action) {
        ovs.vsctl("--if-exists", "del-port", action.bridge(), action.name());
    }

    /** Reads the ports' OpenFlow numbers now (ports added earlier in this plan have them only now). */
    public void syncFlows(OvsAction.SyncFlows action) {
        OvsDb db = ovs.readDb();
        Map<String, Integer> ofports = OvsNetworkPlanner.ofports(db, db.portsOf(action.bridge()));
        ovs.replaceFlows(OvsFlows.render(action.guards(), action.ports(), ofports));
    }

    private void verify(String name, String what) {
        OvsDb.Interface iface = ovs.readDb().interfaces().get(name);
        if (iface == null || !iface.healthy()) {
            throw new IllegalStateException("ovs-vswitchd did not set up " + what + " " + name + ": "
                    + (iface == null ? "no Interface row" : iface.error().orElse("no OpenFlow port"))
                    + " (see the ovs-vswitchd log in " + ovs.settings().rundir() + ")");
        }
    }
}
