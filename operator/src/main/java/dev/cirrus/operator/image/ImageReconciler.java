package dev.cirrus.operator.image;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.cirrus.api.ConditionTypes;
import dev.cirrus.api.v1alpha1.Hypervisor;
import dev.cirrus.api.v1alpha1.HypervisorStatus.ImageCacheEntry;
import dev.cirrus.api.v1alpha1.Image;
import dev.cirrus.api.v1alpha1.ImageStatus;
import dev.cirrus.api.Conditions;
import dev.cirrus.operator.status.Informers;
import dev.cirrus.operator.status.TransitionEvents;
import dev.cirrus.operator.metrics.OperatorMetrics;
import dev.cirrus.operator.status.StatusPatch;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * An Image is Ready when at least one node holds its artifact with the right checksum. Nodes report
 * their caches in their own Hypervisor status; this aggregates them.
 */
@ControllerConfiguration(name = "image")
public class ImageReconciler implements Reconciler<Image> {
    private final TransitionEvents events;
    private final OperatorMetrics metrics;

    public ImageReconciler(TransitionEvents events, OperatorMetrics metrics) {
        this.events = events;
        this.metrics = metrics;
    }

    @Override
    public List<EventSource<?, Image>> prepareEventSources(EventSourceContext<Image> context) {
        var hypervisors = InformerEventSourceConfiguration.from(Hypervisor.class, Image.class)
                .withSecondaryToPrimaryMapper(ImageReconciler::imagesHeldBy)
                .build();
        return List.of(new InformerEventSource<>(hypervisors, context));
    }

    private static Set<ResourceID> imagesHeldBy(Hypervisor hypervisor) {
        return entries(hypervisor).stream()
                .map(e -> new ResourceID(e.name, e.namespace))
                .collect(Collectors.toSet());
    }

    @Override
    public UpdateControl<Image> reconcile(Image image, Context<Image> context) {
        return metrics.timeReconcile("Image", () -> decide(image, context));
    }

    private UpdateControl<Image> decide(Image image, Context<Image> context) {
        ImageStatus previous = Optional.ofNullable(image.getStatus()).orElseGet(ImageStatus::new);
        ImageStatus next = new ImageStatus();
        long generation = image.getMetadata().getGeneration();
        next.observedGeneration = generation;

        List<ImageCacheEntry> held = Informers.all(context, Hypervisor.class)
                .flatMap(h -> entries(h).stream())
                .filter(e -> isFor(e, image))
                .toList();
        List<ImageCacheEntry> ready = held.stream().filter(e -> "Ready".equals(e.state)).toList();
        next.availableNodes = ready.size();
        next.sizeBytes = ready.stream().map(e -> e.sizeBytes).filter(Objects::nonNull).findFirst().orElse(null);

        Optional<ImageCacheEntry> failure = held.stream().filter(e -> "Failed".equals(e.state)).findFirst();
        if (!ready.isEmpty()) {
            next.conditions = Conditions.set(previous.conditions, ConditionTypes.READY, true, "Cached",
                    "cached on " + ready.size() + " node(s)", generation);
        } else if (failure.isPresent()) {
            next.conditions = Conditions.set(previous.conditions, ConditionTypes.READY, false, "FetchFailed",
                    failure.get().message, generation);
        } else {
            next.conditions = Conditions.set(previous.conditions, ConditionTypes.READY, false, "NotCached",
                    "no node holds the artifact yet (nodes fetch it when a VM needs it)", generation);
        }
        events.record(image, previous.conditions, next.conditions);
        return StatusPatch.ifChanged(image, previous, next, Image::new);
    }

    private static boolean isFor(ImageCacheEntry entry, Image image) {
        return Objects.equals(entry.namespace, image.getMetadata().getNamespace())
                && Objects.equals(entry.name, image.getMetadata().getName())
                && Objects.equals(entry.checksum, image.getSpec().checksum);
    }

    private static List<ImageCacheEntry> entries(Hypervisor hypervisor) {
        return hypervisor.getStatus() == null || hypervisor.getStatus().images == null ? List.of()
                : hypervisor.getStatus().images;
    }
}
