package dev.cirrus.node.network.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.cirrus.node.network.router.RoutingObserved.RecordedTable;

class TableDecisionTest {
    private static final NftTable RENDERED = new NftTable(Optional.empty(), "ip", "t", "h1", "table ip t {}\n");

    @ParameterizedTest(name = "listed={0} recordedHash={1} recordedListing={2} → {3}")
    @CsvSource(nullValues = "-", value = {
            // observed listing, recorded hash, recorded listing, decision
            "-,     -,  -,     CREATE",          // never applied
            "-,     h0, L,     CREATE",          // desired changed and table gone: a creation, not a repair
            "-,     h1, L,     REPAIR_MISSING",  // deleted by hand
            "L,     -,  -,     UPDATE",          // found without a record (state file lost): re-apply
            "L,     h0, L,     UPDATE",          // desired state changed
            "L,     h1, L,     KEEP",
            "L2,    h1, L,     REPAIR_CHANGED",  // edited by hand
    })
    void decides(String listed, String recordedHash, String recordedListing, TableDecision expected) {
        Optional<RecordedTable> recorded = Optional.ofNullable(recordedHash).map(h -> new RecordedTable(h, recordedListing));
        assertThat(TableDecision.of(RENDERED, Optional.ofNullable(listed), recorded)).isEqualTo(expected);
    }
}
