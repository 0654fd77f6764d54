package dev.cirrus.node.network.router;

import java.util.Optional;

import dev.cirrus.node.network.router.RouterAction.DeleteTable;

/** Applies whole nftables tables in one {@code nft -f} transaction and reads them back. */
final class NftTableDriver {
    private final NamespaceCommands commands;

    NftTableDriver(NamespaceCommands commands) {
        this.commands = commands;
    }

    /** @return the table as nft lists it right after, for the state record */
    String apply(NftTable table) {
        commands.runWithStdin(table.netns(), table.replaceScript(), "nft", "-f", "-");
        return list(table.netns(), table.family(), table.name()).orElseThrow(
                () -> new IllegalStateException("nft table " + table.id() + " missing right after nft -f"));
    }

    Optional<String> list(Optional<String> netns, String family, String name) {
        var result = commands.attempt(netns, "nft", "list", "table", family, name);
        return result.ok() ? Optional.of(result.stdout()) : Optional.empty();
    }

    void delete(DeleteTable action) {
        if (list(action.netns(), action.family(), action.name()).isPresent()) {
            commands.run(action.netns(), "nft", "delete", "table", action.family(), action.name());
        }
    }
}
