package dev.cirrus.node.network.router;

import java.util.Map;

import dev.cirrus.node.network.NodeHost;
import dev.cirrus.node.network.router.RoutingObserved.RecordedTable;

/** Hands each routing action to the driver owning that kind of host object; records applied tables. */
final class RouterActionRunner {
    private final NamespaceCommands commands;
    private final ExternalNamespaceDriver externals;
    private final RouterNatDriver routers;
    private final NftTableDriver tables;

    RouterActionRunner(NodeHost node) {
        this.commands = new NamespaceCommands(node);
        this.externals = new ExternalNamespaceDriver(commands);
        this.routers = new RouterNatDriver(commands);
        this.tables = new NftTableDriver(commands);
    }

    NamespaceCommands commands() {
        return commands;
    }

    NftTableDriver tables() {
        return tables;
    }

    /** @param recorded updated with what an applied or deleted table leaves */
    void run(RouterAction action, Map<String, RecordedTable> recorded) {
        if (action instanceof RouterAction.EnsureNamespace a) {
            externals.ensure(a);
        } else if (action instanceof RouterAction.ConnectUplink a) {
            externals.connectUplink(a);
        } else if (action instanceof RouterAction.ConnectRouter a) {
            routers.connect(a);
        } else if (action instanceof RouterAction.SetRoute a) {
            externals.setRoute(a);
        } else if (action instanceof RouterAction.DeleteRoute a) {
            externals.deleteRoute(a);
        } else if (action instanceof RouterAction.Announce a) {
            externals.announce(a);
        } else if (action instanceof RouterAction.ForgetConnections a) {
            routers.forget(a);
        } else if (action instanceof RouterAction.ApplyTable a) {
            recorded.put(a.table().id(), new RecordedTable(a.table().hash(), tables.apply(a.table())));
        } else if (action instanceof RouterAction.DeleteTable a) {
            tables.delete(a);
            recorded.remove(NftTable.id(a.netns(), a.family(), a.name()));
        } else if (action instanceof RouterAction.DeleteLink a) {
            if (commands.attempt(a.netns(), "ip", "link", "show", "dev", a.name()).ok()) {
                commands.run(a.netns(), "ip", "link", "delete", "dev", a.name());
            }
        } else if (action instanceof RouterAction.DeleteNamespace a) {
            externals.delete(a);
        } else {
            throw new IllegalArgumentException("no driver for " + action);
        }
    }
}
