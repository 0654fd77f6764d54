package dev.cirrus.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LeaderElectionTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 3, 5, 9, 15, 60})
    void everyLeaseLengthGivesTimingsTheSdkAccepts(int seconds) {
        Duration lease = Duration.ofSeconds(seconds);
        Duration retry = LeaderElection.retryPeriod(lease);
        Duration renew = lease.multipliedBy(2).dividedBy(3);
        assertThat(renew.toMillis()).isGreaterThan((long) (retry.toMillis() * 2.2));
        assertThat(retry).isLessThanOrEqualTo(Duration.ofSeconds(2));
    }
}
