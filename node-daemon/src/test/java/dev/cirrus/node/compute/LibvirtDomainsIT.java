package dev.cirrus.node.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.cirrus.node.host.Command;
import dev.cirrus.node.host.CommandResult;
import dev.cirrus.node.host.HostCommands;
import dev.cirrus.node.host.ProcessHostCommands;

/**
 * {@link LibvirtDomains} against a real libvirtd and a TCG guest (the hack/testguest kernel + initramfs):
 * define, start, console markers from the seed, DHCP + ping over a Linux bridge, ownership read back
 * from the metadata (also over a qemu+unix socket URI), lifecycle events, define as upsert on a running
 * domain, ACPI shutdown to a clean shut-off, destroy to a crash-like shut-off, undefine. Needs root; everything it creates is removed
 * in {@link #cleanUp()}, also after a failure.
 */
class LibvirtDomainsIT {
    private static final String DOMAIN = "cirrus-it-libvirt";
    private static final String UUID = "6f1c2a9e-0b7d-4c55-9a1e-3d2f8b7c4e10";
    private static final Path DIR = Path.of("/var/lib/libvirt/images/cirrus-it");
    private static final String BRIDGE = "citlvbr0";
    private static final String MAC = "52:54:00:12:4c:55";
    private static final String GUEST_IP = "10.124.0.55";
    private static final DomainOwner OWNER = new DomainOwner("it-uid-1", "it-ns", "it-vm", 3);

    private static final HostCommands HOST = new ProcessHostCommands();
    private static Path run;
    private static boolean startedDaemons;
    private static LibvirtDomains libvirt;

    @BeforeAll
    static void libvirtdRuns() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root (libvirtd, bridges, dnsmasq)");
        run = Files.createTempDirectory("cirrus-libvirt-it");
        if (!HOST.attempt(virsh("version")).ok()) {
            // No systemd here: start the daemons by hand and stop them again at the end.
            boolean started = HOST.attempt(Command.of("virtlogd", "-d", "-p", run.resolve("virtlogd.pid").toString())).ok()
                    && HOST.attempt(Command.of("libvirtd", "-d", "-p", run.resolve("libvirtd.pid").toString())).ok();
            startedDaemons = started;
            for (int i = 0; i < 100 && started && !HOST.attempt(virsh("version")).ok(); i++) {
                Thread.sleep(100);
            }
        }
        assumeTrue(HOST.attempt(virsh("version")).ok(), "libvirtd cannot be started");
        removeLeftovers();
    }

    @Test
    void bootsTheTestGuestAndDrivesItsLifecycle() throws Exception {
        // 1. guest files where libvirt-qemu can read them
        Path repo = Path.of(System.getProperty("cirrus.repo.root", "../"));
        HOST.run(Command.of(repo.resolve("hack/build-testguest.sh").toString(), "--install-dir", DIR.toString())
                .withTimeout(Duration.ofMinutes(5)));
        Path iso = DIR.resolve("seed.iso");
        new SeedIsoBuilder(new XorrisoIsoTool(new ProcessHostCommands(), Duration.ofSeconds(30))).build(new CloudInitSeed().render(
                new SeedRequest("it-uid-1", "it-guest", null, List.of(), List.of(GuestInterface.dhcp(MAC, null)))), iso);
        HOST.run("chmod", "0644", iso.toString());

        // 2. a Linux bridge in the host namespace with a static DHCP reservation for the guest
        HOST.run("ip", "link", "add", BRIDGE, "type", "bridge");
        HOST.run("ip", "addr", "add", "10.124.0.1/24", "dev", BRIDGE);
        HOST.run("ip", "link", "set", BRIDGE, "up");
        HOST.run("dnsmasq", "--conf-file=/dev/null", "--port=0", "--bind-interfaces", "--interface=" + BRIDGE,
                "--except-interface=lo", "--dhcp-range=10.124.0.50,10.124.0.60,1h", "--dhcp-host=" + MAC + "," + GUEST_IP,
                "--pid-file=" + run.resolve("dnsmasq.pid"), "--dhcp-leasefile=" + run.resolve("dnsmasq.leases"));

        // 3. the domain, rendered like the node daemon renders it
        Path console = DIR.resolve("console.log");
        String xml = new DomainXmlRenderer().render(DomainSpec.builder()
                .name(DOMAIN).uuid(UUID).owner(OWNER).type(DomainType.QEMU).memoryMib(256)
                .kernelBoot(new DirectKernelBoot(DIR.resolve("vmlinuz"), DIR.resolve("initrd.img"), "console=ttyS0"))
                .seedIso(iso)
                .nic(DomainNic.linuxBridge("citlv-it0", MAC, null, BRIDGE))
                .consoleLog(console)
                .build());

        libvirt = LibvirtDomains.connect();
        List<String> events = new CopyOnWriteArrayList<>();
        try (LibvirtDomains.Subscription subscription = libvirt.onLifecycleEvent(events::add)) {
            long t0 = System.nanoTime();
            libvirt.define(xml);
            long defined = System.nanoTime();
            assertThat(libvirt.state(DOMAIN)).isEqualTo(DomainState.CRASHED); // shutoff/unknown: never started
            await().atMost(Duration.ofSeconds(5)).until(() -> events.contains(DOMAIN)); // the "defined" event
            events.clear();

            long t1 = System.nanoTime();
            libvirt.start(DOMAIN);
            long started = System.nanoTime();
            await().atMost(Duration.ofSeconds(5)).until(() -> events.contains(DOMAIN)); // the "started" event
            assertThat(libvirt.state(DOMAIN)).isEqualTo(DomainState.RUNNING);
            libvirt.start(DOMAIN); // idempotent

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                    .until(() -> consoleLines(console).contains("CIRRUS-READY"));
            long ready = System.nanoTime();
            System.out.printf("LibvirtDomainsIT: define %d ms, start returned after %d ms, start -> CIRRUS-READY %.1f s%n",
                    (defined - t0) / 1_000_000, (started - t1) / 1_000_000, (ready - t1) / 1e9);
            assertThat(consoleLines(console)).contains("CIRRUS-INSTANCE-ID=it-uid-1", "CIRRUS-HOSTNAME=it-guest",
                    "CIRRUS-IP=" + GUEST_IP + "/24");
            assertThat(HOST.attempt(ping(GUEST_IP)).ok())
                    .as("host pings the guest over " + BRIDGE).isTrue();

            // 4. adoption view: found by its metadata, running, with a QEMU pid
            OwnedDomain owned = libvirt.ownedDomains().stream().filter(d -> d.name().equals(DOMAIN)).findFirst().orElseThrow();
            assertThat(owned.owner()).isEqualTo(OWNER);
            assertThat(owned.state()).isEqualTo(DomainState.RUNNING);
            assertThat(owned.qemuPid()).isPresent();
            assertThat(Path.of("/proc", Long.toString(owned.qemuPid().getAsLong()), "cmdline")).exists();

            // the per-node socket form of the URI reaches the same daemon (one JVM may hold several connections)
            try (LibvirtDomains viaSocket = LibvirtDomains.connect(
                    "qemu+unix:///system?socket=/run/libvirt/libvirt-sock", LibvirtDomains.DEFAULT_QEMU_RUN_DIR)) {
                assertThat(viaSocket.state(DOMAIN)).isEqualTo(DomainState.RUNNING);
                assertThat(viaSocket.ownedDomains()).contains(owned);
            }

            // 5. define is an upsert: same XML again on the running domain
            libvirt.define(xml);
            assertThat(libvirt.state(DOMAIN)).isEqualTo(DomainState.RUNNING);

            // 6. ACPI shutdown: the guest powers off by itself → clean shut-off
            libvirt.shutdown(DOMAIN);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> libvirt.state(DOMAIN) == DomainState.SHUT_OFF_CLEAN);
            assertThat(consoleLines(console)).contains("CIRRUS-SHUTDOWN");
            libvirt.shutdown(DOMAIN); // no-op when not running

            // 7. destroy is not a clean stop
            libvirt.start(DOMAIN);
            assertThat(libvirt.state(DOMAIN)).isEqualTo(DomainState.RUNNING);
            libvirt.destroy(DOMAIN);
            assertThat(libvirt.state(DOMAIN)).isEqualTo(DomainState.CRASHED);
            libvirt.destroy(DOMAIN); // no-op

            // 8. undefine
            libvirt.undefine(DOMAIN);
            assertThat(libvirt.state(DOMAIN)).isEqualTo(DomainState.ABSENT);
            assertThat(libvirt.ownedDomains()).noneMatch(d -> d.name().equals(DOMAIN));
            libvirt.undefine(DOMAIN); // no-op
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (run == null) {
            return;
        }
        try {
            if (libvirt != null) {
                libvirt.close();
            }
            removeLeftovers();
            if (startedDaemons) {
                for (String pidFile : List.of("libvirtd.pid", "virtlogd.pid")) {
                    killPidFile(run.resolve(pidFile));
                }
            }
        } finally {
            deleteTree(run);
        }
    }

    /** Also runs before the test: a previous run killed half-way must not make this one fail. */
    private static void removeLeftovers() throws IOException {
        HOST.attempt(virsh("destroy", DOMAIN));
        HOST.attempt(virsh("undefine", DOMAIN));
        killPidFile(run.resolve("dnsmasq.pid"));
        HOST.attempt(Command.of("ip", "link", "del", BRIDGE));
        deleteTree(DIR);
    }

    private static void killPidFile(Path pidFile) throws IOException {
        if (Files.exists(pidFile)) {
            HOST.attempt(Command.of("kill", Files.readString(pidFile).strip()));
            Files.deleteIfExists(pidFile);
        }
    }

    /** iputils ping when installed, else busybox's (these hosts may have only the latter). */
    private static Command ping(String ip) {
        boolean iputils = Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, "ping")));
        List<String> argv = new java.util.ArrayList<>(iputils ? List.of("ping") : List.of("busybox", "ping"));
        argv.addAll(List.of("-c", "3", "-W", "2", ip));
        return Command.of(argv);
    }

    private static Command virsh(String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("virsh", "-q", "-c", LibvirtDomains.DEFAULT_URI));
        argv.addAll(List.of(args));
        return Command.of(argv);
    }

    /** Console lines without the serial line's trailing \r. */
    private static List<String> consoleLines(Path console) throws IOException {
        if (!Files.exists(console)) {
            return List.of();
        }
        return Files.readString(console, StandardCharsets.ISO_8859_1).lines().map(String::strip).toList();
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
