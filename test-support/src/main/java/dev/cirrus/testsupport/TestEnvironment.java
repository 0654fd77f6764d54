package dev.cirrus.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the tests find the repository and the cached binaries (set by the Maven build). */
public final class TestEnvironment {
    private TestEnvironment() {
    }

    public static String kubeVersion() {
        return System.getProperty("cirrus.kube.version", "1.35.4");
    }

    public static Path cacheDir() {
        return Path.of(System.getProperty("cirrus.cache.dir",
                System.getProperty("user.home") + "/.cache/cirrus"));
    }

    /** kube-api-test's directory: binaries live in {@code k8s/<version>-linux-amd64/}. */
    public static Path kubeApiTestDir() {
        return cacheDir().resolve("kubeapitest");
    }

    /** The repository root: the Maven property when set, else the nearest parent holding crds/. */
    public static Path repoRoot() {
        String fromMaven = System.getProperty("cirrus.repo.root");
        if (fromMaven != null && !fromMaven.isBlank()) {
            return Path.of(fromMaven);
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("crds"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root (a directory with crds/)");
        }
        return dir;
    }
}
