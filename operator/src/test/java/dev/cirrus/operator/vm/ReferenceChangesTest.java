package dev.cirrus.operator.vm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cirrus.api.ConditionTypes;
import dev.cirrus.api.Conditions;
import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.OverlayNetworkStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

class ReferenceChangesTest {
    private final OverlayNetwork network = network();

    @Test
    void aNetworkCountingItsVmsConcernsNoVm() {
        OverlayNetwork counted = Serialization.clone(network);
        counted.getStatus().attachedVMs = 42;
        assertThat(ReferenceChanges.networkConcernsVms(network, counted)).isFalse();
    }

    @Test
    void specVniGatewayAndReadinessConcernTheVms() {
        OverlayNetwork respecced = Serialization.clone(network);
        respecced.getMetadata().setGeneration(2L);
        OverlayNetwork otherVni = Serialization.clone(network);
        otherVni.getStatus().vni = 9L;
        OverlayNetwork otherGateway = Serialization.clone(network);
        otherGateway.getStatus().gateway = "10.0.0.254";
        OverlayNetwork notReady = Serialization.clone(network);
        notReady.getStatus().conditions = Conditions.set(notReady.getStatus().conditions, ConditionTypes.READY, false, "InUse", "", 1);

        assertThat(ReferenceChanges.networkConcernsVms(network, respecced)).isTrue();
        assertThat(ReferenceChanges.networkConcernsVms(network, otherVni)).isTrue();
        assertThat(ReferenceChanges.networkConcernsVms(network, otherGateway)).isTrue();
        assertThat(ReferenceChanges.networkConcernsVms(network, notReady)).isTrue();
    }

    private static OverlayNetwork network() {
        OverlayNetwork n = new OverlayNetwork();
        n.getMetadata().setName("net");
        n.getMetadata().setGeneration(1L);
        OverlayNetworkStatus status = new OverlayNetworkStatus();
        status.vni = 7L;
        status.gateway = "10.0.0.1";
        status.attachedVMs = 1;
        status.conditions = Conditions.set(null, ConditionTypes.READY, true, "Allocated", "", 1);
        n.setStatus(status);
        return n;
    }
}
