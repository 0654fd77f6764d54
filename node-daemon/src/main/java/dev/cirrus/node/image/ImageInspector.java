package dev.cirrus.node.image;

import java.nio.file.Path;

import dev.cirrus.api.v1alpha1.ImageFormat;

/**
 * Checks that a verified download is what its Image says it is, before any VM uses it. The real
 * one runs {@code qemu-img info --output=json} on disk images and must refuse, with
 * {@link ImageFetchException.Reason#InvalidFormat}: a probed format other than the declared one
 * (a "raw" file that is really qcow2 could name a host file as its backing file), any backing
 * file at all, and an unreadable header. kernel and initrd files have no header to check.
 */
public interface ImageInspector {
    /** For tests and for nodes without qemu-img: accepts everything. */
    ImageInspector ACCEPT_ALL = (file, declared) -> {
    };

    void check(Path file, ImageFormat declared) throws ImageFetchException;
}
