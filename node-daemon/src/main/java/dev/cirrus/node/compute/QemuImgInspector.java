package dev.cirrus.node.compute;

import java.nio.file.Path;
import java.util.Locale;

import dev.cirrus.api.v1alpha1.ImageFormat;
import dev.cirrus.node.host.HostCommandException;
import dev.cirrus.node.host.HostCommands;
import dev.cirrus.node.image.ImageFetchException;
import dev.cirrus.node.image.ImageFetchException.Reason;
import dev.cirrus.node.image.ImageInspector;

/**
 * {@link ImageInspector} through {@code qemu-img info}: a disk image must probe as exactly the format
 * its Image declares and name no backing file. Both rules close the same hole: a header that points
 * QEMU at another file on the node (e.g. a "raw" upload that is really qcow2 backed by /etc/shadow).
 */
public final class QemuImgInspector implements ImageInspector {
    private final HostCommands host;

    public QemuImgInspector(HostCommands host) {
        this.host = host;
    }

    @Override
    public void check(Path file, ImageFormat declared) throws ImageFetchException {
        if (declared == ImageFormat.KERNEL || declared == ImageFormat.INITRD) {
            return; // no image header to check: QEMU loads them as plain files
        }
        QemuImgInfo info;
        try {
            info = QemuImgInfo.of(host, file);
        } catch (HostCommandException | IllegalArgumentException e) {
            throw new ImageFetchException(Reason.InvalidFormat, "qemu-img cannot read the image: " + e.getMessage(), e);
        }
        String expected = declared.name().toLowerCase(Locale.ROOT);
        if (!info.format().equals(expected)) {
            throw new ImageFetchException(Reason.InvalidFormat,
                    "the image is declared " + expected + " but its content is " + info.format());
        }
        if (info.backingFile().isPresent()) {
            throw new ImageFetchException(Reason.InvalidFormat,
                    "the image names a backing file (" + info.backingFile().get() + "); images must be self-contained");
        }
    }
}
