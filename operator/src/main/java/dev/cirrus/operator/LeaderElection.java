package dev.cirrus.operator;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.quarkus.arc.Unremovable;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Leader election: with two replicas only the Lease holder reconciles (the allocators keep
 * in-memory claims, which is only safe with one active writer); the other waits to take over.
 *
 * <p>A bean the operator SDK looks up, not a ConfigurationServiceCustomizer: with a customizer,
 * QOSDK 7.7 wraps its configuration in a service that does not pass the Quarkus client on, and
 * every controller built its own client from the kubeconfig, without {@link ClientSettings}
 * (5 requests in flight per host).
 */
public class LeaderElection {
    @ConfigProperty(name = "cirrus.operator.leader-election.enabled", defaultValue = "true")
    boolean enabled;

    @ConfigProperty(name = "cirrus.operator.leader-election.namespace", defaultValue = "cirrus-system")
    String leaseNamespace;

    @ConfigProperty(name = "cirrus.operator.leader-election.lease-duration", defaultValue = "15s")
    Duration leaseDuration;

    /** Who holds the Lease, as kubectl shows it: the pod's name in the chart (a random id when unset). */
    @ConfigProperty(name = "cirrus.operator.leader-election.identity")
    Optional<String> identity;

    /**
     * 2 s, or less for a short lease: the SDK refuses to start unless the renew deadline (2/3 of the
     * lease) exceeds the retry period plus its jitter (2.2 retry periods).
     */
    static Duration retryPeriod(Duration leaseDuration) {
        Duration fifth = leaseDuration.dividedBy(5);
        return fifth.compareTo(Duration.ofSeconds(2)) < 0 ? fifth : Duration.ofSeconds(2);
    }

    /** None (null) when disabled: every replica reconciles. */
    @Produces
    @Dependent
    @Unremovable
    LeaderElectionConfiguration configuration() {
        if (!enabled) {
            return null;
        }
        LeaderElectionConfigurationBuilder lease = LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration("cirrus-operator")
                .withLeaseNamespace(leaseNamespace)
                .withLeaseDuration(leaseDuration)
                .withRenewDeadline(leaseDuration.multipliedBy(2).dividedBy(3))
                .withRetryPeriod(retryPeriod(leaseDuration));
        identity.ifPresent(lease::withIdentity);
        return lease.build();
    }
}
