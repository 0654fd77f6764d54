package dev.cirrus.operator.status;

import java.util.Objects;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * Status is written by server-side apply of a fresh object holding only the status, and only when
 * it differs from what the resource already has: a reconcile that decides nothing new writes nothing.
 */
public final class StatusPatch {
    private StatusPatch() {
    }

    public static <S, R extends CustomResource<?, S>> UpdateControl<R> ifChanged(R resource, S previous, S next,
            Supplier<R> factory) {
        if (resource.getStatus() != null && sameJson(previous, next)) {
            return UpdateControl.noUpdate();
        }
        R patch = factory.get();
        patch.setMetadata(new ObjectMetaBuilder()
                .withName(resource.getMetadata().getName())
                .withNamespace(resource.getMetadata().getNamespace())
                .build());
        patch.setStatus(next);
        return UpdateControl.patchStatus(patch);
    }

    private static boolean sameJson(Object a, Object b) {
        return Objects.equals(Serialization.asJson(a), Serialization.asJson(b));
    }
}
