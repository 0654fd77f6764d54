package dev.cirrus.node.network.router;

import java.util.Optional;

import dev.cirrus.node.network.router.RoutingObserved.RecordedTable;

/**
 * Whether a rendered table must be (re)applied (pure). The host's listing never equals the text we
 * feed nft (nft normalises it), so the comparison is against what the last apply recorded: the
 * rendered hash (has the desired state changed?) and the listing read back right after (has
 * someone changed the table since?).
 */
public enum TableDecision {
    KEEP, CREATE, UPDATE, REPAIR_MISSING, REPAIR_CHANGED;

    public static TableDecision of(NftTable rendered, Optional<String> observedListing, Optional<RecordedTable> recorded) {
        boolean sameDesired = recorded.map(r -> r.hash().equals(rendered.hash())).orElse(false);
        if (observedListing.isEmpty()) {
            return sameDesired ? REPAIR_MISSING : CREATE;
        }
        if (!sameDesired) {
            return UPDATE;
        }
        return observedListing.get().equals(recorded.get().listing()) ? KEEP : REPAIR_CHANGED;
    }

    public boolean isRepair() {
        return this == REPAIR_MISSING || this == REPAIR_CHANGED;
    }

    public String why() {
        return switch (this) {
            case KEEP -> "unchanged";
            case CREATE -> "new";
            case UPDATE -> "desired state changed";
            case REPAIR_MISSING -> "was missing";
            case REPAIR_CHANGED -> "was changed by hand";
        };
    }
}
