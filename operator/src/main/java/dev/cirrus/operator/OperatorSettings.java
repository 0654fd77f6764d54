package dev.cirrus.operator;

import java.time.Duration;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.quarkiverse.operatorsdk.runtime.api.ConfigurationServiceCustomizer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Leader election: with two replicas only the Lease holder reconciles (the allocators keep
 * in-memory claims, which is only safe with one active writer); the other waits to take over.
 */
@ApplicationScoped
public class OperatorSettings implements ConfigurationServiceCustomizer {
    @ConfigProperty(name = "cirrus.operator.leader-election.enabled", defaultValue = "true")
    boolean leaderElection;

    @ConfigProperty(name = "cirrus.operator.leader-election.namespace", defaultValue = "cirrus-system")
    String leaseNamespace;

    @ConfigProperty(name = "cirrus.operator.leader-election.lease-duration", defaultValue = "15s")
    Duration leaseDuration;

    @Override
    public Consumer<ConfigurationServiceOverrider> overrider() {
        return overrider -> {
            if (leaderElection) {
                overrider.withLeaderElectionConfiguration(LeaderElectionConfigurationBuilder
                        .aLeaderElectionConfiguration("cirrus-operator")
                        .withLeaseNamespace(leaseNamespace)
                        .withLeaseDuration(leaseDuration)
                        .withRenewDeadline(leaseDuration.multipliedBy(2).dividedBy(3))
                        .withRetryPeriod(Duration.ofSeconds(2))
                        .build());
            }
        };
    }
}
