package dev.cirrus.node.compute;

import java.util.Objects;

/** The three files of a NoCloud seed, by their file names on the cidata volume. */
public record SeedFiles(String metaData, String userData, String networkConfig) {
    public static final String META_DATA = "meta-data";
    public static final String USER_DATA = "user-data";
    public static final String NETWORK_CONFIG = "network-config";

    public SeedFiles {
        Objects.requireNonNull(metaData, META_DATA);
        Objects.requireNonNull(userData, USER_DATA);
        Objects.requireNonNull(networkConfig, NETWORK_CONFIG);
    }
}
