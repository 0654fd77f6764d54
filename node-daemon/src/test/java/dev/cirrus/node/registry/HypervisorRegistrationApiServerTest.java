package dev.cirrus.node.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;

import jakarta.inject.Inject;

import dev.cirrus.api.v1alpha1.Backend;
import dev.cirrus.api.v1alpha1.Hypervisor;
import dev.cirrus.testsupport.RealApiServerResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The node daemon registers its Hypervisor on a real kube-apiserver and keeps it beating. */
@QuarkusTest
@QuarkusTestResource(RealApiServerResource.class)
class HypervisorRegistrationApiServerTest {
    @Inject
    KubernetesClient client;

    @Test
    void registersWithHostCapacityAndBeats() {
        Hypervisor first = await().atMost(Duration.ofSeconds(30)).until(
                () -> client.resources(Hypervisor.class).withName("test-node").get(),
                h -> h != null && h.getStatus() != null && h.getStatus().lastHeartbeatTime != null);
        assertThat(first.getStatus().capacity.cpu).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(first.getStatus().capacity.memory).matches("[0-9]+Mi");
        assertThat(first.getStatus().underlayIP).isEqualTo("10.99.0.1");
        assertThat(first.getStatus().backend).isEqualTo(Backend.LINUX);
        assertThat(first.getStatus().conditions).anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));

        Instant firstBeat = Instant.parse(first.getStatus().lastHeartbeatTime);
        await().atMost(Duration.ofSeconds(10)).until(
                () -> Instant.parse(client.resources(Hypervisor.class).withName("test-node").get().getStatus().lastHeartbeatTime),
                beat -> beat.isAfter(firstBeat));
    }
}
