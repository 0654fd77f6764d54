package dev.cirrus.node.compute;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.jboss.logging.Logger;

import dev.cirrus.node.host.Command;
import dev.cirrus.node.host.CommandResult;
import dev.cirrus.node.host.HostCommands;

/**
 * Whether KVM really runs guests here, found by running one: a capabilities list that names kvm
 * proves nothing (on PVM hosts {@code /dev/kvm} exists, yet a vCPU with the host's CPU model aborts
 * with "failed to set MSR 0x10a"). QEMU boots, with the CPU model Cirrus' kvm domains use
 * (host-passthrough), a 64 KiB firmware whose reset vector writes one byte to an isa-debug-exit
 * port: QEMU then exits with a code only a guest that really executed can produce.
 */
public final class KvmProbe {
    private static final Logger LOG = Logger.getLogger(KvmProbe.class);
    private static final Path DEV_KVM = Path.of("/dev/kvm");
    private static final int EXIT_PORT = 0xf4;
    private static final int EXIT_VALUE = 0x21;
    /** isa-debug-exit makes QEMU exit with (value << 1) | 1. */
    static final int EXPECTED_EXIT = (EXIT_VALUE << 1) | 1;
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private KvmProbe() {
    }

    /** The domain type to use on this host, with the reason logged. */
    public static DomainType detect(HostCommands host, Path workDir) {
        if (!Files.exists(DEV_KVM)) {
            LOG.info("no /dev/kvm: domains use qemu (TCG)");
            return DomainType.QEMU;
        }
        Optional<Integer> exit;
        try {
            Files.createDirectories(workDir);
            Path firmware = workDir.resolve("kvm-probe.bin");
            Files.write(firmware, firmware());
            CommandResult result = host.attempt(Command.of(argv(firmware, "kvm", "host")).withTimeout(TIMEOUT));
            exit = Optional.of(result.exitCode());
            if (result.exitCode() != EXPECTED_EXIT) {
                LOG.infof("KVM probe exited %d: %s", result.exitCode(), result.stderr().strip());
            }
        } catch (IOException | RuntimeException e) {
            LOG.infof("KVM probe failed: %s", e.getMessage());
            exit = Optional.empty();
        }
        DomainType type = decide(true, exit);
        LOG.infof("/dev/kvm present, probe guest %s: domains use %s", type == DomainType.KVM ? "ran" : "did not run",
                type.xmlValue());
        return type;
    }

    /** KVM only when /dev/kvm exists and the probe guest really ran to its exit port. */
    static DomainType decide(boolean devKvm, Optional<Integer> probeExit) {
        return devKvm && probeExit.filter(code -> code == EXPECTED_EXIT).isPresent() ? DomainType.KVM : DomainType.QEMU;
    }

    static List<String> argv(Path firmware, String accel, String cpu) {
        return List.of("qemu-system-x86_64", "-accel", accel, "-cpu", cpu, "-machine", "pc", "-m", "16",
                "-nodefaults", "-display", "none", "-no-reboot", "-bios", firmware.toString(),
                "-device", "isa-debug-exit,iobase=0x" + Integer.toHexString(EXIT_PORT) + ",iosize=0x04");
    }

    /**
     * 64 KiB of {@code hlt} with, at the reset vector (offset 0xFFF0, physical 0xFFFF0), {@code mov al,
     * 0x21; out 0xf4, al; hlt}.
     */
    static byte[] firmware() {
        byte[] image = new byte[64 * 1024];
        Arrays.fill(image, (byte) 0xf4);
        byte[] reset = {(byte) 0xb0, EXIT_VALUE, (byte) 0xe6, (byte) EXIT_PORT, (byte) 0xf4};
        System.arraycopy(reset, 0, image, 0xfff0, reset.length);
        return image;
    }
}
