package dev.cirrus.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import org.junit.jupiter.api.Test;

class ClientCertificateIdentityTest {
    @Test
    void aCertificateIdentityGetsATokenSourceWithoutToken() {
        Config config = new ConfigBuilder(Config.empty()).withClientCertData("Y2VydA==").withClientKeyData("a2V5").build();
        ClientCertificateIdentity.keepFixed(config);
        assertThat(config.getOauthTokenProvider()).isNotNull();
        assertThat(config.getOauthTokenProvider().getToken()).isNull();
    }

    @Test
    void aTokenIdentityIsLeftAlone() {
        Config config = new ConfigBuilder(Config.empty()).withOauthToken("t0ken").build();
        ClientCertificateIdentity.keepFixed(config);
        assertThat(config.getOauthTokenProvider()).isNull();
        assertThat(config.getOauthToken()).isEqualTo("t0ken");
    }
}
