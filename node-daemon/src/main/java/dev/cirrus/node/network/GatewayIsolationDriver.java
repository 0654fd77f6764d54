package dev.cirrus.node.network;

import java.util.List;

/**
 * Keeps each node's copy of the distributed gateway local. Every node answers the same gateway IP
 * with the same MAC, so the gateway's frames, and ARP about the gateway IP, must never cross the
 * tunnel: otherwise a remote gateway answers ARP too and the bridges learn the gateway MAC on the
 * VXLAN port, sending a VM's routed traffic to another node. A bridge cannot filter by ARP payload,
 * so this is an nftables table of the {@code bridge} family in the node namespace (one per network,
 * replaced atomically), hooked at forward, which sees every frame the bridge floods or forwards to
 * (or receives from) the VXLAN port. Interface names, not indexes, so a re-created VXLAN device is
 * covered without touching the table.
 */
public final class GatewayIsolationDriver {
    private final NodeHost node;

    public GatewayIsolationDriver(NodeHost node) {
        this.node = node;
    }

    public void isolate(Action.IsolateGateway action) {
        node.runWithStdin(script(action), "nft", "-f", "-");
    }

    public void remove(Action.RemoveGatewayIsolation action) {
        if (node.attempt("nft", "list", "table", "bridge", action.table()).ok()) {
            node.run("nft", "delete", "table", "bridge", action.table());
        }
    }

    /** Rules on their own lines: nft 1.0.6 rejects a one-line chain with a trailing rule. */
    static String script(Action.IsolateGateway action) {
        String vx = "\"" + action.vxlan() + "\"";
        List<String> rules = List.of(
                "oifname " + vx + " ether saddr " + action.gatewayMac() + " drop",
                "oifname " + vx + " ether daddr " + action.gatewayMac() + " drop",
                "oifname " + vx + " arp daddr ip " + action.gatewayIp() + " drop",
                "oifname " + vx + " arp saddr ip " + action.gatewayIp() + " drop",
                "iifname " + vx + " ether saddr " + action.gatewayMac() + " drop",
                "iifname " + vx + " arp daddr ip " + action.gatewayIp() + " drop",
                "iifname " + vx + " arp saddr ip " + action.gatewayIp() + " drop");
        StringBuilder script = new StringBuilder();
        script.append("table bridge ").append(action.table()).append('\n');
        script.append("delete table bridge ").append(action.table()).append('\n');
        script.append("table bridge ").append(action.table()).append(" {\n");
        script.append("\tchain forward {\n");
        script.append("\t\ttype filter hook forward priority 0; policy accept;\n");
        rules.forEach(rule -> script.append("\t\t").append(rule).append('\n'));
        script.append("\t}\n}\n");
        return script.toString();
    }
}
