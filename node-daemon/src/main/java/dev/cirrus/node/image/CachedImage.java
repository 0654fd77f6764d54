package dev.cirrus.node.image;

import java.nio.file.Path;

/**
 * A verified artifact in the node's image cache.
 *
 * @param path   the file, named by its SHA-256
 * @param size   its size in bytes
 * @param sha256 its SHA-256 as 64 lowercase hex digits
 */
public record CachedImage(Path path, long size, String sha256) {
}
