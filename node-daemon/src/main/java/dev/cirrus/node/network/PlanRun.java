package dev.cirrus.node.network;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

/**
 * What running a plan did. Every step runs unless its owner already failed (its later steps build
 * on the failed one; garbage collection always goes on) or a gate owner failed (a backend-wide
 * object everything builds on); a failure is charged to the step's owner.
 *
 * @param failures the first failure per owner
 * @param applied the steps that ran
 * @param failed "owner: step failed: reason" per failed step
 */
record PlanRun(Map<String, String> failures, List<String> applied, List<String> failed) {
    private static final Logger LOG = Logger.getLogger(PlanRun.class);

    static <A extends PlannedStep> PlanRun execute(List<A> plan, Consumer<A> runner, Set<String> gates) {
        Map<String, String> failures = new LinkedHashMap<>();
        List<String> applied = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (A step : plan) {
            boolean skip = gates.stream().anyMatch(failures::containsKey)
                    || failures.containsKey(step.owner()) && !Action.GC.equals(step.owner());
            if (skip) {
                continue;
            }
            try {
                runner.accept(step);
                applied.add(step.describe());
            } catch (RuntimeException e) {
                LOG.warnf("%s: %s failed: %s", step.owner(), step.describe(), e.getMessage());
                failures.putIfAbsent(step.owner(), step.describe() + " failed: " + e.getMessage());
                failed.add(step.owner() + ": " + step.describe() + " failed: " + e.getMessage());
            }
        }
        return new PlanRun(Map.copyOf(failures), List.copyOf(applied), List.copyOf(failed));
    }
}
