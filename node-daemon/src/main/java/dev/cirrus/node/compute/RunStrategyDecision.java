package dev.cirrus.node.compute;

import static dev.cirrus.node.compute.RunAction.DESTROY;
import static dev.cirrus.node.compute.RunAction.NONE;
import static dev.cirrus.node.compute.RunAction.RESTART;
import static dev.cirrus.node.compute.RunAction.RESUME;
import static dev.cirrus.node.compute.RunAction.START;
import static dev.cirrus.node.compute.RunAction.STOP_GRACEFUL;
import static dev.cirrus.node.compute.RunAction.UNDEFINE;

import dev.cirrus.api.v1alpha1.RunStrategy;
import dev.cirrus.api.v1alpha1.VmPhase;

/**
 * The node side of runStrategy: given what the spec asks and what libvirt shows, the one action to
 * take now. Pure; the reconciler calls it on every pass, so each answer only has to move the domain
 * one step closer (stop → shut off → undefined takes three passes).
 *
 * <ul>
 * <li>Always: keep running; start whatever is absent, shut off or crashed.</li>
 * <li>RerunOnFailure: like Always after a crash, but a guest that shut itself down stays stopped.</li>
 * <li>Manual: follow spec.running (true runs, false or unset stops) and never restart a guest that
 *     stopped or crashed by itself; to run it again, request a restart, or set running false and
 *     then true.</li>
 * <li>Halted: stop.</li>
 * </ul>
 *
 * A restart request restarts a running or paused domain, and starts a stopped one whose strategy
 * wants it running (the way back for Manual and RerunOnFailure); when the strategy wants the VM
 * stopped it changes nothing. Either way the request is answered by this decision: the caller
 * records it as handled once the returned action has been carried out.
 */
public final class RunStrategyDecision {
    private RunStrategyDecision() {
    }

    public static RunDecision decide(RunInputs in) {
        return wantsRunning(in) ? keepRunning(in) : keepStopped(in);
    }

    private static boolean wantsRunning(RunInputs in) {
        return switch (in.strategy()) {
            case Always, RerunOnFailure -> true;
            case Manual -> Boolean.TRUE.equals(in.running());
            case Halted -> false;
        };
    }

    private static RunDecision keepRunning(RunInputs in) {
        return switch (in.state()) {
            case ABSENT -> decision(START, VmPhase.Starting);
            case RUNNING -> in.restartRequested() ? decision(RESTART, VmPhase.Starting) : decision(NONE, VmPhase.Running);
            case PAUSED -> in.restartRequested() ? decision(RESTART, VmPhase.Starting) : decision(RESUME, VmPhase.Starting);
            case SHUT_OFF_CLEAN, CRASHED -> in.restartRequested() || restartsByItself(in.strategy(), in.state())
                    ? decision(START, VmPhase.Starting)
                    : decision(NONE, in.state() == DomainState.CRASHED ? VmPhase.Failed : VmPhase.Stopped);
        };
    }

    private static boolean restartsByItself(RunStrategy strategy, DomainState state) {
        return strategy == RunStrategy.Always
                || strategy == RunStrategy.RerunOnFailure && state == DomainState.CRASHED;
    }

    private static RunDecision keepStopped(RunInputs in) {
        return switch (in.state()) {
            case ABSENT -> decision(NONE, VmPhase.Stopped);
            case RUNNING -> decision(in.gracefulStopOverdue() ? DESTROY : STOP_GRACEFUL, VmPhase.Stopping);
            // A paused guest cannot see the ACPI button.
            case PAUSED -> decision(DESTROY, VmPhase.Stopping);
            case SHUT_OFF_CLEAN, CRASHED -> decision(UNDEFINE, VmPhase.Stopped);
        };
    }

    private static RunDecision decision(RunAction action, VmPhase phase) {
        return new RunDecision(action, phase);
    }
}
