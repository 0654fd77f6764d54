package dev.cirrus.node.network;

import java.util.List;

/**
 * One step of the OVS backend. {@link #owner()} as in {@link Action}: a network key, a port key,
 * {@link Action#GC}, or {@link #NODE} for the integration bridge and its flow table, whose failure
 * leaves every network not ready.
 */
public sealed interface OvsAction extends PlannedStep {
    String NODE = "node";

    /** Add the bridge if missing and (re)assert its datapath type; fails when vswitchd rejects it. */
    record EnsureBridge(String bridge, String datapathType, String nodeName) implements OvsAction {
        public String owner() {
            return NODE;
        }

        public String describe() {
            return "ensure bridge " + bridge + " datapath_type=" + datapathType;
        }
    }

    /** A kernel link the bridge uses: created as a tap when missing (if {@code tap}), MTU, up, tx checksum offload off. */
    record TuneLink(String owner, String name, int mtu, boolean tap) implements OvsAction {
        public String describe() {
            return (tap ? "ensure tap " : "tune link ") + name + " mtu " + mtu + " up, tx offload off";
        }
    }

    /** @param recreate delete the row first: its kernel device was re-created, or vswitchd gave up on it */
    record EnsurePort(String owner, String bridge, OvsPortSpec spec, boolean create, boolean recreate)
            implements OvsAction {
        public String describe() {
            return (recreate ? "re-add port " : create ? "add port " : "set port ") + spec.describe() + " on " + bridge;
        }
    }

    record DeletePort(String owner, String bridge, String name) implements OvsAction {
        public String describe() {
            return "delete port " + name + " from " + bridge;
        }
    }

    record DeleteLink(String owner, String name) implements OvsAction {
        public String describe() {
            return "delete link " + name;
        }
    }

    /**
     * Replace the bridge's flow table. The driver reads the ports' OpenFlow numbers when it
     * runs, as ports added earlier in the same plan have none yet when it is planned.
     *
     * @param drifted the observed table differed from what the observed ports call for (a repair
     *                candidate), as opposed to only following port changes
     */
    record SyncFlows(String bridge, List<OvsFlows.TunnelGuard> guards, List<OvsFlows.PortGuard> ports, boolean drifted)
            implements OvsAction {
        public SyncFlows {
            guards = List.copyOf(guards);
            ports = List.copyOf(ports);
        }

        public String owner() {
            return NODE;
        }

        public String describe() {
            return "install flows on " + bridge + " (" + guards.size() + " tunnel guards, " + ports.size() + " port guards)";
        }
    }

    /** Router namespace, gateway pair and dnsmasq: the steps the Linux backend has too, run by the same drivers. */
    record Router(Action step) implements OvsAction {
        public String owner() {
            return step.owner();
        }

        public String describe() {
            return step.describe();
        }
    }
}
