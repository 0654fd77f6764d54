package dev.cirrus.operator.status;

import dev.cirrus.api.Conditions;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Kubernetes events for condition transitions (a condition whose status or reason changed), so
 * {@code kubectl describe} and {@code kubectl get events} tell the story without reading status:
 * every transition to False (a warning), and for True only {@code Ready} and {@code Scheduled}
 * (the milestones a user waits for). Every event is an API write: intermediate steps that always
 * happen are in status, not in events; so is a False that only means "in progress" (a VM waiting for
 * its node to start it, right after its Scheduled event), which is no warning either.
 */
@ApplicationScoped
public class TransitionEvents {
    // Events are written off the reconcile path: a reconcile must not wait for a courtesy write.
    private static final ExecutorService WRITER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cirrus-events");
        t.setDaemon(true);
        return t;
    });

    /** Reasons of a False condition that mean "on its way", not "something is wrong". */
    private static final Set<String> IN_PROGRESS = Set.of("Provisioning");

    private final KubernetesClient client;

    public TransitionEvents(KubernetesClient client) {
        this.client = client;
    }

    public void record(HasMetadata object, List<Condition> before, List<Condition> after) {
        if (after == null) {
            return;
        }
        for (Condition next : after) {
            eventType(Conditions.find(before, next.getType()), next).ifPresent(type -> emit(object, type, next.getReason(),
                    next.getType() + "=" + next.getStatus() + ": " + next.getMessage()));
        }
    }

    /** The event a condition's transition deserves (Normal or Warning), if any. */
    static Optional<String> eventType(Optional<Condition> previous, Condition next) {
        boolean changed = previous.map(p -> !Objects.equals(p.getStatus(), next.getStatus())
                || !Objects.equals(p.getReason(), next.getReason())).orElse(true);
        boolean failing = "False".equals(next.getStatus()) && !IN_PROGRESS.contains(next.getReason());
        boolean milestone = "True".equals(next.getStatus()) && ("Ready".equals(next.getType()) || "Scheduled".equals(next.getType()));
        if (!changed || !(failing || milestone)) {
            return Optional.empty();
        }
        return Optional.of(milestone ? "Normal" : "Warning");
    }

    public void emit(HasMetadata object, String type, String reason, String message) {
        WRITER.submit(() -> write(object, type, reason, message));
    }

    private void write(HasMetadata object, String type, String reason, String message) {
        String namespace = Optional.ofNullable(object.getMetadata().getNamespace()).orElse("default");
        String now = Instant.now().toString();
        try {
            client.v1().events().inNamespace(namespace).resource(new EventBuilder()
                    .withNewMetadata().withGenerateName(object.getMetadata().getName() + ".").endMetadata()
                    .withNewInvolvedObject()
                    .withApiVersion(object.getApiVersion()).withKind(object.getKind()).withNamespace(object.getMetadata().getNamespace())
                    .withName(object.getMetadata().getName()).withUid(object.getMetadata().getUid())
                    .endInvolvedObject()
                    .withType(type).withReason(reason).withMessage(message)
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .withNewSource().withComponent("cirrus-operator").endSource()
                    .build()).create();
        } catch (KubernetesClientException e) {
            // An event is a courtesy: failing to record one must not fail the reconcile.
        }
    }
}
