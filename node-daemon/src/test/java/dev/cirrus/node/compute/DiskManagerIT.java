package dev.cirrus.node.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cirrus.api.v1alpha1.ImageFormat;
import dev.cirrus.node.host.Command;
import dev.cirrus.node.host.HostCommands;
import dev.cirrus.node.host.ProcessHostCommands;
import dev.cirrus.node.image.ImageFetchException;

/** {@link DiskManager} and {@link QemuImgInspector} with the real qemu-img (no root, no libvirt needed). */
class DiskManagerIT {
    private static final long MIB = 1024 * 1024;
    private static final HostCommands HOST = new ProcessHostCommands();

    @TempDir
    Path dir;

    @BeforeAll
    static void qemuImgIsInstalled() {
        assumeTrue(HOST.attempt(Command.of("qemu-img", "--version")).ok(), "qemu-img is not installed");
    }

    @Test
    void anOverlayOnAQcow2BaseIsCreatedOnceAndOnlyGrown() throws Exception {
        Path base = image("base.qcow2", "qcow2", 16 * MIB);
        Path overlay = dir.resolve("root.qcow2");
        DiskManager disks = new DiskManager(HOST);

        disks.ensureOverlay(base, ImageFormat.QCOW2, overlay, 64 * MIB);

        QemuImgInfo info = QemuImgInfo.of(HOST, overlay);
        assertThat(info.format()).isEqualTo("qcow2");
        assertThat(info.virtualSize()).isEqualTo(64 * MIB);
        assertThat(info.backingFile()).contains(base.toString());
        assertThat(dir.resolve("root.qcow2.tmp")).doesNotExist();

        FileTime before = Files.getLastModifiedTime(overlay);
        Thread.sleep(20);
        disks.ensureOverlay(base, ImageFormat.QCOW2, overlay, 32 * MIB); // smaller: never shrinks, nothing to do
        assertThat(Files.getLastModifiedTime(overlay)).isEqualTo(before);
        assertThat(QemuImgInfo.of(HOST, overlay).virtualSize()).isEqualTo(64 * MIB);
    }

    @Test
    void anOverlayOnARawBaseKeepsTheBaseSizeWhenNoneIsRequested() throws Exception {
        Path base = image("base.raw", "raw", 8 * MIB);
        Path overlay = dir.resolve("root.qcow2");

        new DiskManager(HOST).ensureOverlay(base, ImageFormat.RAW, overlay, null);

        assertThat(QemuImgInfo.of(HOST, overlay)).isEqualTo(new QemuImgInfo("qcow2", 8 * MIB, Optional.of(base.toString())));
    }

    @Test
    void aDataDiskIsCreatedEmptyGrownAndRemoved() throws Exception {
        Path disk = dir.resolve("data0.qcow2");
        DiskManager disks = new DiskManager(HOST);

        disks.ensureDataDisk(disk, 10 * MIB);
        assertThat(QemuImgInfo.of(HOST, disk)).isEqualTo(new QemuImgInfo("qcow2", 10 * MIB, Optional.empty()));
        disks.ensureDataDisk(disk, 20 * MIB);
        assertThat(QemuImgInfo.of(HOST, disk).virtualSize()).isEqualTo(20 * MIB);

        disks.remove(disk);
        disks.remove(disk); // absent is fine
        assertThat(disk).doesNotExist();
    }

    @Test
    void relativePathsAndKernelBasesAreRefused() {
        DiskManager disks = new DiskManager(HOST);
        assertThatThrownBy(() -> disks.ensureDataDisk(Path.of("nbd:evil:10809"), MIB)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> disks.ensureOverlay(dir.resolve("vmlinuz"), ImageFormat.KERNEL, dir.resolve("o.qcow2"), null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theInspectorAcceptsWhatIsDeclaredAndSelfContained() throws Exception {
        QemuImgInspector inspector = new QemuImgInspector(HOST);
        inspector.check(image("a.qcow2", "qcow2", MIB), ImageFormat.QCOW2);
        inspector.check(image("a.raw", "raw", MIB), ImageFormat.RAW);
        inspector.check(dir.resolve("no-header-needed"), ImageFormat.KERNEL);
    }

    @Test
    void theInspectorRejectsAMismatchABackingFileAndGarbage() throws Exception {
        QemuImgInspector inspector = new QemuImgInspector(HOST);
        Path qcow2 = image("b.qcow2", "qcow2", MIB);
        Path overlay = dir.resolve("overlay.qcow2");
        new DiskManager(HOST).ensureOverlay(qcow2, ImageFormat.QCOW2, overlay, null);

        assertThatThrownBy(() -> inspector.check(qcow2, ImageFormat.RAW)).isInstanceOf(ImageFetchException.class)
                .hasMessageContaining("declared raw but its content is qcow2")
                .extracting(e -> ((ImageFetchException) e).reason()).isEqualTo(ImageFetchException.Reason.InvalidFormat);
        assertThatThrownBy(() -> inspector.check(image("c.raw", "raw", MIB), ImageFormat.QCOW2))
                .isInstanceOf(ImageFetchException.class).hasMessageContaining("content is raw");
        assertThatThrownBy(() -> inspector.check(overlay, ImageFormat.QCOW2)).isInstanceOf(ImageFetchException.class)
                .hasMessageContaining("backing file");
        assertThatThrownBy(() -> inspector.check(dir.resolve("missing"), ImageFormat.QCOW2))
                .isInstanceOf(ImageFetchException.class).hasMessageContaining("qemu-img cannot read");
    }

    private Path image(String name, String format, long size) {
        Path file = dir.resolve(name);
        HOST.run("qemu-img", "create", "-q", "-f", format, file.toString(), Long.toString(size));
        return file;
    }
}
