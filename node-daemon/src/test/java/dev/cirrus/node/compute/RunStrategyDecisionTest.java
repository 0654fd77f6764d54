package dev.cirrus.node.compute;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.cirrus.api.v1alpha1.RunStrategy;
import dev.cirrus.api.v1alpha1.VmPhase;

class RunStrategyDecisionTest {
    /**
     * Every cell: strategy (with spec.running for Manual) x observed state x restart requested.
     * "-" in the running column: spec.running is not consulted (see runningMattersOnlyUnderManual).
     */
    private static final String TABLE = """
            # strategy     running state           restart  action         phase
            Always          -      ABSENT          no       START          Starting
            Always          -      ABSENT          yes      START          Starting
            Always          -      RUNNING         no       NONE           Running
            Always          -      RUNNING         yes      RESTART        Starting
            Always          -      PAUSED          no       RESUME         Starting
            Always          -      PAUSED          yes      RESTART        Starting
            Always          -      SHUT_OFF_CLEAN  no       START          Starting
            Always          -      SHUT_OFF_CLEAN  yes      START          Starting
            Always          -      CRASHED         no       START          Starting
            Always          -      CRASHED         yes      START          Starting

            RerunOnFailure  -      ABSENT          no       START          Starting
            RerunOnFailure  -      ABSENT          yes      START          Starting
            RerunOnFailure  -      RUNNING         no       NONE           Running
            RerunOnFailure  -      RUNNING         yes      RESTART        Starting
            RerunOnFailure  -      PAUSED          no       RESUME         Starting
            RerunOnFailure  -      PAUSED          yes      RESTART        Starting
            RerunOnFailure  -      SHUT_OFF_CLEAN  no       NONE           Stopped
            RerunOnFailure  -      SHUT_OFF_CLEAN  yes      START          Starting
            RerunOnFailure  -      CRASHED         no       START          Starting
            RerunOnFailure  -      CRASHED         yes      START          Starting

            Manual          true   ABSENT          no       START          Starting
            Manual          true   ABSENT          yes      START          Starting
            Manual          true   RUNNING         no       NONE           Running
            Manual          true   RUNNING         yes      RESTART        Starting
            Manual          true   PAUSED          no       RESUME         Starting
            Manual          true   PAUSED          yes      RESTART        Starting
            Manual          true   SHUT_OFF_CLEAN  no       NONE           Stopped
            Manual          true   SHUT_OFF_CLEAN  yes      START          Starting
            Manual          true   CRASHED         no       NONE           Failed
            Manual          true   CRASHED         yes      START          Starting

            Manual          false  ABSENT          no       NONE           Stopped
            Manual          false  ABSENT          yes      NONE           Stopped
            Manual          false  RUNNING         no       STOP_GRACEFUL  Stopping
            Manual          false  RUNNING         yes      STOP_GRACEFUL  Stopping
            Manual          false  PAUSED          no       DESTROY        Stopping
            Manual          false  PAUSED          yes      DESTROY        Stopping
            Manual          false  SHUT_OFF_CLEAN  no       UNDEFINE       Stopped
            Manual          false  SHUT_OFF_CLEAN  yes      UNDEFINE       Stopped
            Manual          false  CRASHED         no       UNDEFINE       Stopped
            Manual          false  CRASHED         yes      UNDEFINE       Stopped

            Manual          null   ABSENT          no       NONE           Stopped
            Manual          null   ABSENT          yes      NONE           Stopped
            Manual          null   RUNNING         no       STOP_GRACEFUL  Stopping
            Manual          null   RUNNING         yes      STOP_GRACEFUL  Stopping
            Manual          null   PAUSED          no       DESTROY        Stopping
            Manual          null   PAUSED          yes      DESTROY        Stopping
            Manual          null   SHUT_OFF_CLEAN  no       UNDEFINE       Stopped
            Manual          null   SHUT_OFF_CLEAN  yes      UNDEFINE       Stopped
            Manual          null   CRASHED         no       UNDEFINE       Stopped
            Manual          null   CRASHED         yes      UNDEFINE       Stopped

            Halted          -      ABSENT          no       NONE           Stopped
            Halted          -      ABSENT          yes      NONE           Stopped
            Halted          -      RUNNING         no       STOP_GRACEFUL  Stopping
            Halted          -      RUNNING         yes      STOP_GRACEFUL  Stopping
            Halted          -      PAUSED          no       DESTROY        Stopping
            Halted          -      PAUSED          yes      DESTROY        Stopping
            Halted          -      SHUT_OFF_CLEAN  no       UNDEFINE       Stopped
            Halted          -      SHUT_OFF_CLEAN  yes      UNDEFINE       Stopped
            Halted          -      CRASHED         no       UNDEFINE       Stopped
            Halted          -      CRASHED         yes      UNDEFINE       Stopped
            """;

    record Row(RunStrategy strategy, String running, DomainState state, boolean restart, RunAction action, VmPhase phase) {
        RunInputs inputs() {
            return RunInputs.of(strategy, running.equals("-") || running.equals("null") ? null : Boolean.valueOf(running),
                    state, restart);
        }

        @Override
        public String toString() {
            return strategy + (running.equals("-") ? "" : "(running=" + running + ")") + " " + state
                    + (restart ? " +restart" : "") + " -> " + action + "/" + phase;
        }
    }

    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (String line : TABLE.lines().map(String::strip).toList()) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] c = line.split("\\s+");
            rows.add(new Row(RunStrategy.valueOf(c[0]), c[1], DomainState.valueOf(c[2]), c[3].equals("yes"),
                    RunAction.valueOf(c[4]), VmPhase.valueOf(c[5])));
        }
        return rows;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void everyCellOfTheTable(Row row) {
        assertThat(RunStrategyDecision.decide(row.inputs())).isEqualTo(new RunDecision(row.action(), row.phase()));
    }

    @Test
    void theTableHasEveryCellExactlyOnce() {
        Set<String> seen = new HashSet<>();
        for (Row row : rows()) {
            assertThat(seen.add(row.strategy() + row.running() + row.state() + row.restart())).as("duplicate %s", row).isTrue();
        }
        List<String> modes = List.of("Always-", "RerunOnFailure-", "Manualtrue", "Manualfalse", "Manualnull", "Halted-");
        assertThat(seen).hasSize(modes.size() * DomainState.values().length * 2);
    }

    @Test
    void runningMattersOnlyUnderManual() {
        for (Row row : rows()) {
            if (row.strategy() == RunStrategy.Manual) {
                continue;
            }
            for (Boolean running : new Boolean[] {null, true, false}) {
                assertThat(RunStrategyDecision.decide(RunInputs.of(row.strategy(), running, row.state(), row.restart())))
                        .as("%s with running=%s", row, running)
                        .isEqualTo(new RunDecision(row.action(), row.phase()));
            }
        }
    }

    @Test
    void anOverdueGracefulStopBecomesADestroyAndChangesNothingElse() {
        for (Row row : rows()) {
            RunInputs overdue = new RunInputs(row.strategy(), row.inputs().running(), row.state(), row.restart(), true);
            RunAction expected = row.action() == RunAction.STOP_GRACEFUL ? RunAction.DESTROY : row.action();
            assertThat(RunStrategyDecision.decide(overdue)).as("%s, stop overdue", row)
                    .isEqualTo(new RunDecision(expected, row.phase()));
        }
    }

    @Test
    void noStrategyMeansAlwaysLikeTheSchemaDefault() {
        for (DomainState state : DomainState.values()) {
            assertThat(RunStrategyDecision.decide(RunInputs.of(null, null, state, false)))
                    .isEqualTo(RunStrategyDecision.decide(RunInputs.of(RunStrategy.Always, null, state, false)));
        }
    }

    // Passes over time, each applying the action as a driver would, show the table composes.

    @Test
    void manualFalseThenTrueStartsAGuestThatHadShutItselfDown() {
        DomainState state = DomainState.SHUT_OFF_CLEAN;
        assertThat(pass(RunStrategy.Manual, true, state).action()).isEqualTo(RunAction.NONE);

        state = apply(pass(RunStrategy.Manual, false, state).action(), state);
        assertThat(state).isEqualTo(DomainState.ABSENT);
        state = apply(pass(RunStrategy.Manual, true, state).action(), state);
        assertThat(state).isEqualTo(DomainState.RUNNING);
    }

    @Test
    void haltingARunningVmTakesItToAbsentAndStaysThere() {
        List<RunAction> actions = new ArrayList<>();
        DomainState state = DomainState.RUNNING;
        for (int i = 0; i < 4; i++) {
            RunDecision decision = pass(RunStrategy.Halted, null, state);
            actions.add(decision.action());
            state = apply(decision.action(), state);
        }
        assertThat(actions).containsExactly(RunAction.STOP_GRACEFUL, RunAction.UNDEFINE, RunAction.NONE, RunAction.NONE);
        assertThat(pass(RunStrategy.Halted, null, state).phase()).isEqualTo(VmPhase.Stopped);
    }

    @Test
    void rerunOnFailureNeverRestartsACleanShutdownOnItsOwn() {
        assertThat(Stream.generate(() -> pass(RunStrategy.RerunOnFailure, null, DomainState.SHUT_OFF_CLEAN)).limit(5))
                .allMatch(d -> d.equals(new RunDecision(RunAction.NONE, VmPhase.Stopped)));
    }

    private static RunDecision pass(RunStrategy strategy, Boolean running, DomainState state) {
        return RunStrategyDecision.decide(RunInputs.of(strategy, running, state, false));
    }

    /** A guest that gets the ACPI button powers off cleanly. */
    private static DomainState apply(RunAction action, DomainState state) {
        return switch (action) {
            case NONE -> state;
            case START, RESUME, RESTART -> DomainState.RUNNING;
            case STOP_GRACEFUL -> DomainState.SHUT_OFF_CLEAN;
            case DESTROY -> DomainState.CRASHED;
            case UNDEFINE -> DomainState.ABSENT;
        };
    }
}
