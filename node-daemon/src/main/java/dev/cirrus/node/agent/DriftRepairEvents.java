package dev.cirrus.node.agent;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import dev.cirrus.api.CirrusApi;
import dev.cirrus.api.v1alpha1.Hypervisor;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.node.network.Repair;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

/**
 * Tells the world the daemon repaired drift on its host (someone deleted a tap, a tunnel, a bridge,
 * killed a dnsmasq...): a log line, the counter {@code cirrus_node_repairs_total{kind}}, a Warning
 * event {@code DriftRepaired} on the node's Hypervisor, and one on the VM too when the object was
 * one of its interfaces. Repairs are rare by nature, so one event each; a failed event write is
 * logged and dropped (it is a courtesy, the repair itself is done).
 */
final class DriftRepairEvents {
    static final String REASON = "DriftRepaired";
    static final String METRIC = "cirrus_node_repairs_total";
    private static final Logger LOG = Logger.getLogger(DriftRepairEvents.class);
    /** Where events about cluster-scoped objects (Hypervisor) go, as kubectl expects them. */
    private static final String CLUSTER_EVENTS_NAMESPACE = "default";

    private final KubernetesClient client;
    private final MeterRegistry registry;
    private final String nodeName;

    DriftRepairEvents(KubernetesClient client, MeterRegistry registry, String nodeName) {
        this.client = client;
        this.registry = registry;
        this.nodeName = nodeName;
    }

    void record(Repair repair, Optional<Hypervisor> node, Map<String, VirtualMachine> vmsByUid) {
        LOG.infof("node %s repaired drift: %s", nodeName, repair.message());
        registry.counter(METRIC, "kind", repair.kind()).increment();
        emit(node.map(HasMetadata.class::cast), "Hypervisor", nodeName, repair.message());
        repair.vmUid().map(vmsByUid::get)
                .ifPresent(vm -> emit(Optional.of(vm), "VirtualMachine", vm.getMetadata().getName(),
                        "node " + nodeName + " " + repair.message()));
    }

    private void emit(Optional<HasMetadata> object, String kind, String name, String message) {
        String namespace = object.map(o -> o.getMetadata().getNamespace()).orElse(null);
        String now = Instant.now().toString();
        try {
            client.v1().events().inNamespace(namespace == null ? CLUSTER_EVENTS_NAMESPACE : namespace)
                    .resource(new EventBuilder()
                            .withNewMetadata().withGenerateName(name + ".").endMetadata()
                            .withNewInvolvedObject().withApiVersion(CirrusApi.GROUP + "/v1alpha1").withKind(kind)
                            .withNamespace(namespace).withName(name)
                            .withUid(object.map(o -> o.getMetadata().getUid()).orElse(null))
                            .endInvolvedObject()
                            .withType("Warning").withReason(REASON).withMessage(message)
                            .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                            .withNewSource().withComponent("cirrus-node-daemon").withHost(nodeName).endSource()
                            .build())
                    .create();
        } catch (KubernetesClientException e) {
            LOG.warnf("node %s: cannot record event %s on %s %s: %s", nodeName, REASON, kind, name, e.getMessage());
        }
    }
}
