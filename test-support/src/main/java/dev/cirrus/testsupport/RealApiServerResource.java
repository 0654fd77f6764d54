package dev.cirrus.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Points the Quarkus app under test (operator or node daemon) at the JVM's real kube-apiserver (see {@link RealApiServer}). */
public class RealApiServerResource implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
        try {
            Path kubeconfig = RealApiServer.shared().writeKubeConfig(Files.createTempDirectory("cirrus-operator-test").resolve("kubeconfig"));
            // Fabric8's auto-configuration (used by the Quarkus client) reads this property.
            System.setProperty("kubeconfig", kubeconfig.toString());
            return Map.of("quarkus.kubernetes-client.devservices.enabled", "false");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // The API server is shared by the JVM and stopped by its shutdown hook.
    }
}
