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
                .withRetryPeriod(Duration.ofSeconds(2));
        identity.ifPresent(lease::withIdentity);
        return lease.build();
    }
}
