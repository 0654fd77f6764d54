package dev.cirrus.node.registry;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.cirrus.api.ConditionTypes;
import dev.cirrus.api.v1alpha1.Backend;
import dev.cirrus.api.v1alpha1.Hypervisor;
import dev.cirrus.api.v1alpha1.HypervisorStatus;
import dev.cirrus.node.NodeConfig;
import dev.cirrus.node.agent.NodeReport;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import org.jboss.logging.Logger;

/**
 * Registers this node's Hypervisor and keeps it beating: capacity, underlay, backend, heartbeat
 * and {@code Ready=True}. The operator flips Ready to False when the beats stop.
 */
@ApplicationScoped
public class HypervisorRegistration {
    private static final Logger LOG = Logger.getLogger(HypervisorRegistration.class);
    static final String FIELD_MANAGER = "cirrus-node-daemon";

    private final KubernetesClient client;
    private final NodeConfig config;
    private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "heartbeat"));

    private final NodeReport report;

    public HypervisorRegistration(KubernetesClient client, NodeConfig config, NodeReport report) {
        this.client = client;
        this.config = config;
        this.report = report;
    }

    public void start(@Observes StartupEvent event) {
        register();
        // Peers build their tunnels from what this node reports: publish a change at once.
        report.onChange(() -> beats.execute(this::beatSafely));
        long period = config.heartbeatInterval().toMillis();
        beats.scheduleAtFixedRate(this::beatSafely, 0, period, TimeUnit.MILLISECONDS);
    }

    public void stop(@Observes ShutdownEvent event) {
        beats.shutdownNow();
    }

    private void register() {
        if (client.resources(Hypervisor.class).withName(config.name()).get() == null) {
            Hypervisor hypervisor = new Hypervisor();
            hypervisor.getMetadata().setName(config.name());
            client.resource(hypervisor).create();
            LOG.infof("registered Hypervisor %s", config.name());
        }
    }

    private void beatSafely() {
        try {
            beat();
        } catch (KubernetesClientException e) {
            LOG.warnf("heartbeat of %s failed: %s", config.name(), e.getMessage());
        }
    }

    void beat() {
        Hypervisor patch = new Hypervisor();
        patch.getMetadata().setName(config.name());
        patch.setStatus(status(HostCapacity.probe(), Instant.now()));
        client.resource(patch).subresource("status").patch(new PatchContext.Builder()
                .withPatchType(PatchType.SERVER_SIDE_APPLY).withFieldManager(FIELD_MANAGER).withForce(true).build());
    }

    HypervisorStatus status(HostCapacity host, Instant now) {
        HypervisorStatus status = new HypervisorStatus();
        status.capacity = new HypervisorStatus.Resources();
        status.capacity.cpu = host.cpus();
        status.capacity.memory = host.memoryMib() + "Mi";
        status.allocatable = new HypervisorStatus.Resources();
        status.allocatable.cpu = Math.max(0, host.cpus() - config.reservedCpu());
        status.allocatable.memory = Math.max(0, host.memoryMib() - config.reservedMemoryMib()) + "Mi";
        status.underlayIP = config.underlayIp().orElse(null);
        status.underlayMTU = config.underlayMtu();
        status.backend = "linux".equals(config.backend()) ? Backend.LINUX : Backend.OVS;
        status.datapath = status.backend == Backend.OVS ? config.datapath() : null;
        String beat = now.truncatedTo(ChronoUnit.SECONDS).toString();
        status.lastHeartbeatTime = beat;
        status.networks = report.networks();
        status.vms = report.vms();
        status.images = report.images().isEmpty() ? null : report.images();
        status.domainType = report.domainType();
        status.conditions = List.of(new Condition(beat, "node daemon is beating", null, "Heartbeat", "True", ConditionTypes.READY));
        return status;
    }
}
