package dev.cirrus.node.compute;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import dev.cirrus.api.v1alpha1.ImageFormat;
import dev.cirrus.node.host.Command;
import dev.cirrus.node.host.HostCommands;

/**
 * A VM's disk files: a qcow2 overlay on a cached base image (the VM's root disk: the base stays
 * shared and untouched) and empty qcow2 data disks. Idempotent: a present file is kept (never
 * recreated, it holds the guest's data) and only grown. New files are written under a temporary
 * name and renamed into place, so "present" always means "complete".
 */
public final class DiskManager {
    private final HostCommands host;

    public DiskManager(HostCommands host) {
        this.host = host;
    }

    /**
     * Ensures {@code overlay} exists as a qcow2 overlay on {@code base}, at least {@code minSizeBytes} big.
     *
     * @param baseFormat   QCOW2 or RAW: passed as {@code -F}, never probed (a probed raw file could claim a backing file)
     * @param minSizeBytes requested root disk size, or null for the base image's size; never shrinks
     */
    public void ensureOverlay(Path base, ImageFormat baseFormat, Path overlay, Long minSizeBytes) {
        requireAbsolute(base);
        requireAbsolute(overlay);
        String backingFormat = switch (baseFormat) {
            case QCOW2 -> "qcow2";
            case RAW -> "raw";
            default -> throw new IllegalArgumentException("a root disk cannot be backed by a " + baseFormat + " image");
        };
        if (!Files.exists(overlay)) {
            createAtomically(overlay, tmp -> Command.of("qemu-img", "create", "-q", "-f", "qcow2",
                    "-F", backingFormat, "-b", base.toString(), tmp.toString()));
        }
        if (minSizeBytes != null) {
            growTo(overlay, minSizeBytes);
        }
    }

    /** Ensures an empty qcow2 disk of {@code sizeBytes} at {@code disk}; an existing one is only grown. */
    public void ensureDataDisk(Path disk, long sizeBytes) {
        requireAbsolute(disk);
        if (sizeBytes <= 0) {
            throw new IllegalArgumentException("disk size must be positive: " + sizeBytes);
        }
        if (!Files.exists(disk)) {
            createAtomically(disk, tmp -> Command.of("qemu-img", "create", "-q", "-f", "qcow2",
                    tmp.toString(), Long.toString(sizeBytes)));
        } else {
            growTo(disk, sizeBytes);
        }
    }

    /** Deletes a disk file; absent is fine. Only for disks of a VM that is gone (the base is never passed here). */
    public void remove(Path disk) {
        requireAbsolute(disk);
        try {
            Files.deleteIfExists(disk);
            Files.deleteIfExists(temporary(disk));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + disk, e);
        }
    }

    private void growTo(Path disk, long sizeBytes) {
        if (QemuImgInfo.of(host, disk).virtualSize() < sizeBytes) {
            host.run(Command.of("qemu-img", "resize", "-q", "-f", "qcow2", disk.toString(), Long.toString(sizeBytes))
                    .withTimeout(QemuImgInfo.TIMEOUT));
        }
    }

    private interface CreateCommand {
        Command at(Path temporary);
    }

    private void createAtomically(Path target, CreateCommand create) {
        Path tmp = temporary(target);
        try {
            Files.deleteIfExists(tmp); // left by a crash half-way through an earlier attempt
            host.run(create.at(tmp).withTimeout(QemuImgInfo.TIMEOUT));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + target, e);
        }
    }

    private static Path temporary(Path target) {
        return target.resolveSibling(target.getFileName() + ".tmp");
    }

    /** qemu-img reads "nbd:...", "json:{...}" and the like as protocols; an absolute path is always a file. */
    private static void requireAbsolute(Path path) {
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException("disk paths must be absolute: " + path);
        }
    }
}
