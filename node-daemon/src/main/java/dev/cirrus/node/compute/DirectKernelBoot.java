package dev.cirrus.node.compute;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Boot a kernel file directly (QEMU {@code -kernel}), skipping the firmware and any boot loader.
 *
 * @param kernel  the kernel image on the node (required)
 * @param initrd  the initial ramdisk on the node, or null
 * @param cmdline the kernel command line, or null
 */
public record DirectKernelBoot(Path kernel, Path initrd, String cmdline) {
    public DirectKernelBoot {
        Objects.requireNonNull(kernel, "kernel");
    }
}
