package dev.cirrus.operator.status;

import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.source.informer.ManagedInformerEventSource;

/**
 * Everything an informer event source holds, not only the secondaries mapped to the primary:
 * the scheduler must see every node, and a resource created after its user must still be found.
 */
public final class Informers {
    private Informers() {
    }

    @SuppressWarnings("unchecked")
    public static <R extends HasMetadata, P extends HasMetadata> Stream<R> all(Context<P> context, Class<R> type) {
        var source = context.eventSourceRetriever().getEventSourceFor(type);
        return ((ManagedInformerEventSource<R, P, ?>) source).list(r -> true);
    }
}
