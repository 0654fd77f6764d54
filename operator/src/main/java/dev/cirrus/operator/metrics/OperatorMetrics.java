package dev.cirrus.operator.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cirrus.api.v1alpha1.VmPhase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The operator's own metrics: reconcile latency per kind (histogram), VMs per phase, allocation
 * failures per reason. Exposed on /q/metrics with JOSDK's and the JVM's.
 */
@ApplicationScoped
public class OperatorMetrics {
    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, VmPhase> phases = new ConcurrentHashMap<>();

    public OperatorMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (VmPhase phase : VmPhase.values()) {
            Gauge.builder("cirrus_vms", phases, m -> m.values().stream().filter(phase::equals).count())
                    .tag("phase", phase.name()).description("VirtualMachines per phase").register(registry);
        }
    }

    public <T> T timeReconcile(String kind, Supplier<T> reconcile) {
        Timer timer = timers.computeIfAbsent(kind, k -> Timer.builder("cirrus_reconcile_seconds").tag("kind", k)
                .description("Reconcile latency per kind").publishPercentileHistogram().register(registry));
        return timer.record(reconcile);
    }

    public void vmPhase(String uid, VmPhase phase) {
        if (phase == null) {
            phases.remove(uid);
        } else {
            phases.put(uid, phase);
        }
    }

    public void allocationFailure(String reason) {
        Counter.builder("cirrus_allocation_failures_total").tag("reason", reason)
                .description("IP, MAC, VNI or placement allocations that failed").register(registry).increment();
    }
}
