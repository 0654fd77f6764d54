package dev.cirrus.operator.node;

import java.time.Instant;

import dev.cirrus.api.v1alpha1.Hypervisor;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** Kubernetes events about nodes (cluster-scoped objects: events go to the default namespace). */
final class NodeEvents {
    private final KubernetesClient client;

    NodeEvents(KubernetesClient client) {
        this.client = client;
    }

    void nodeLost(Hypervisor node, String message) {
        String now = Instant.now().toString();
        try {
            client.v1().events().inNamespace("default").resource(new EventBuilder()
                    .withNewMetadata().withGenerateName(node.getMetadata().getName() + ".").endMetadata()
                    .withNewInvolvedObject()
                    .withApiVersion(node.getApiVersion()).withKind(node.getKind())
                    .withName(node.getMetadata().getName()).withUid(node.getMetadata().getUid())
                    .endInvolvedObject()
                    .withType("Warning").withReason("NodeNotReady").withMessage(message)
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .withNewSource().withComponent("cirrus-operator").endSource()
                    .build()).create();
        } catch (KubernetesClientException e) {
            // An event is a courtesy: failing to record one must not fail the reconcile.
        }
    }
}
