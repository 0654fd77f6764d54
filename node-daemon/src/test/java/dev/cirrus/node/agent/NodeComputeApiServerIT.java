package dev.cirrus.node.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;
import dev.cirrus.api.CirrusApi;
import dev.cirrus.api.ConditionTypes;
import dev.cirrus.api.Conditions;
import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.OverlayNetworkStatus;
import dev.cirrus.api.v1alpha1.Hypervisor;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus;
import dev.cirrus.api.v1alpha1.VmPhase;
import dev.cirrus.node.compute.DirectKernelBoot;
import dev.cirrus.node.compute.DomainOwner;
import dev.cirrus.node.compute.DomainSpec;
import dev.cirrus.node.compute.DomainState;
import dev.cirrus.node.compute.DomainType;
import dev.cirrus.node.compute.DomainXmlRenderer;
import dev.cirrus.node.compute.LibvirtDomains;
import dev.cirrus.node.compute.NodeLibvirtd;
import dev.cirrus.node.compute.OwnedDomain;
import dev.cirrus.node.host.Command;
import dev.cirrus.node.host.HostCommands;
import dev.cirrus.node.host.ProcessHostCommands;
import dev.cirrus.node.network.InterfaceNames;
import dev.cirrus.node.registry.HypervisorRegistration;
import dev.cirrus.testsupport.RealApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two simulated nodes against a real kube-apiserver, the test playing the operator (network
 * VNI/gateway, placement, addresses). Node 1 runs VMs: its daemon is a separate JVM (so it can be
 * {@code kill -9}ed) driving the node's own libvirtd inside its network namespace, TCG guests booted
 * from the test guest's kernel/initrd served as Images over HTTP. Node 2 programs networks only
 * and carries an endpoint namespace standing for a VM. Proves, with two guest boots:
 * boot with the VM's instance-id, hostname and user-data from a Secret, its reserved address by
 * DHCP over the overlay, pingable from node 2; a checksum mismatch gives ImageReady=False and no
 * domain; orphaned domains and directories of this node are collected, another node's domain is
 * not; stop/start keeps IP and MAC; after a kill -9 a new daemon adopts the running domain (same
 * QEMU pid); a restart request restarts once, also across a daemon restart; deleting the VM leaves
 * no domain, directory or tap.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeComputeApiServerIT {
    private static final String NS = "compute-it";
    private static final String N1 = "ccp-n1";
    private static final String N2 = "ccp-n2";
    private static final String ENDPOINT = "ccp-ep2";
    private static final Path NODES = Path.of("/var/tmp/cirrus-it");
    private static final String VM_IP = "10.127.0.20";
    private static final String VM_MAC = "0e:00:00:00:7f:20";
    private static final String EP_IP = "10.127.0.30";
    private static final String EP_MAC = "0e:00:00:00:7f:30";
    private static final Duration BOOT = Duration.ofSeconds(150);

    private final HostCommands host = new ProcessHostCommands();
    private final List<AutoCloseable> stops = new ArrayList<>();
    private KubernetesClient client;
    private Path work;
    private Path kubeconfig;
    private NodeLibvirtd libvirtd;
    private LibvirtDomains libvirt;
    private NodeDaemonProcess daemon;
    private TestNodeConfig node1;
    private HttpServer http;

    @BeforeAll
    void setUp() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: namespaces, libvirtd, dnsmasq");
        removeLeftovers();
        work = Files.createTempDirectory("cirrus-compute-it");
        client = RealApiServer.shared().newClient();
        kubeconfig = RealApiServer.shared().writeKubeConfig(work.resolve("kubeconfig"));
        client.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
        for (String node : List.of(N1, N2)) {
            host.run("ip", "netns", "add", node);
            host.run(Command.of("ip", "link", "set", "lo", "up").inNetns(node));
        }
        host.run(Command.of("ip", "link", "add", "ccp-u1", "type", "veth", "peer", "name", "ccp-u2", "netns", N2).inNetns(N1));
        host.run(Command.of("ip", "addr", "add", "10.97.0.1/24", "dev", "ccp-u1").inNetns(N1));
        host.run(Command.of("ip", "addr", "add", "10.97.0.2/24", "dev", "ccp-u2").inNetns(N2));
        host.run(Command.of("ip", "link", "set", "ccp-u1", "up").inNetns(N1));
        host.run(Command.of("ip", "link", "set", "ccp-u2", "up").inNetns(N2));
        Path repo = Path.of(System.getProperty("cirrus.repo.root", "../"));
        libvirtd = NodeLibvirtd.start(host, repo, N1, NODES.resolve(N1));
        libvirt = libvirtd.connect();
        node1 = TestNodeConfig.compute(N1, N1, "10.97.0.1", work.resolve(N1).toString(), libvirtd.vmDir().toString(),
                libvirtd.uri(), Duration.ofSeconds(5));
    }

    @AfterAll
    void cleanUp() throws Exception {
        for (int i = stops.size() - 1; i >= 0; i--) {
            stops.get(i).close();
        }
        if (daemon != null) {
            daemon.kill9();
        }
        if (http != null) {
            http.stop(0);
        }
        if (libvirt != null) {
            libvirt.close();
        }
        removeLeftovers();
        if (work != null && Files.exists(work.resolve("node1.log"))) {
            // Node 1's daemon ran in another JVM: keep its log next to the surefire reports.
            Files.copy(work.resolve("node1.log"), Path.of("target/NodeComputeApiServerIT-node1.log"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        deleteTree(work);
    }

    /** This test's namespaces (with their dnsmasq and router namespaces) and node 1's libvirtd and files. */
    private void removeLeftovers() throws IOException {
        Path repo = Path.of(System.getProperty("cirrus.repo.root", "../"));
        host.attempt(Command.of(repo.resolve("hack/node-libvirtd.sh").toString(), "stop", N1, NODES.resolve(N1).toString())
                .withTimeout(Duration.ofSeconds(60)));
        if (work != null && Files.exists(work)) {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path pid : files.filter(p -> p.toString().endsWith(".pid")).toList()) {
                    host.attempt(Command.of("kill", Files.readString(pid).strip()));
                }
            }
        }
        for (String ns : host.run("ip", "netns", "list").stdout().lines().map(l -> l.split(" ")[0]).toList()) {
            if (ns.startsWith("ccp-") || ns.startsWith(InterfaceNames.routerNamespacePrefix(N1))
                    || ns.startsWith(InterfaceNames.routerNamespacePrefix(N2))) {
                host.attempt(Command.of("ip", "netns", "delete", ns));
            }
        }
        deleteTree(NODES.resolve(N1));
    }

    @Test
    void runsAGuestAcrossTheOverlayAndThroughDaemonDeathAndCleansUp() throws Exception {
        String base = serveTestGuest();
        image("kernel", base + "vmlinuz", sha256(work.resolve("guest/vmlinuz")), "kernel");
        image("initrd", base + "initrd.img", sha256(work.resolve("guest/initrd.img")), "initrd");
        image("bad-kernel", base + "vmlinuz", "sha256:" + "0".repeat(64), "kernel");
        overlayNetwork();
        client.resource(new SecretBuilder().withNewMetadata().withName("ud").withNamespace(NS).endMetadata()
                .addToStringData("userdata", "#cirrus-probe gateway ping -c 1 -W 2 10.127.0.1\n").build()).serverSideApply();
        String foreign = defineStrangers();

        // Node 2: networks only, in-process; an endpoint namespace on it stands for a VM there.
        VirtualMachine ep = placedVm("ep", N2, "kernel", EP_IP, EP_MAC, "");
        endpoint(ep);
        startNetworkNode(N2, "10.97.0.2");
        daemon = NodeDaemonProcess.launch(kubeconfig, node1, work.resolve("node1.log"));

        long t0 = System.nanoTime();
        VirtualMachine vm = placedVm("vm1", N1, "kernel", VM_IP, VM_MAC, """
                  runStrategy: Manual
                  running: true
                  cloudInit: {hostname: guest-one, userDataSecretRef: {name: ud}}
                """);
        String uid = vm.getMetadata().getUid();
        String domain = "cirrus-" + uid;
        VirtualMachine bad = placedVm("vm2", N1, "bad-kernel", "10.127.0.21", "0e:00:00:00:7f:21", "");

        // 1. boot: identity, user-data from the Secret, DHCP over the overlay, ping from node 2
        VirtualMachine running = await().atMost(BOOT).pollInterval(Duration.ofMillis(200))
                .until(() -> vm("vm1"), v -> v.getStatus() != null && v.getStatus().phase == VmPhase.Running);
        long domainRunning = System.nanoTime();
        Path console = Path.of(running.getStatus().consoleLog);
        awaitConsole(console, "CIRRUS-IP=" + VM_IP + "/24");
        String out = Files.readString(console);
        assertThat(out).contains("CIRRUS-INSTANCE-ID=" + uid, "CIRRUS-HOSTNAME=guest-one");
        assertThat(dhcp()).startsWith(EP_IP + "/24");
        await().atMost(Duration.ofSeconds(60)).until(() -> ping(VM_IP));
        long pinged = System.nanoTime();
        // Each Hypervisor says which domain type its VMs get (configured qemu here; none without compute).
        await().atMost(Duration.ofSeconds(30)).until(() -> "qemu".equals(client.resources(Hypervisor.class).withName(N1).get().getStatus().domainType));
        assertThat(client.resources(Hypervisor.class).withName(N2).get().getStatus().domainType).isNull();
        awaitConsole(console, "CIRRUS-PROBE gateway OK");
        await().atMost(Duration.ofSeconds(30)).until(() -> Conditions.isTrue(vm("vm1").getStatus().conditions, ConditionTypes.READY));
        System.out.printf("compute IT: VM applied -> domain running %d ms, -> pingable from node 2 %d ms%n",
                (domainRunning - t0) / 1_000_000, (pinged - t0) / 1_000_000);

        // 2. a checksum mismatch: ImageReady=False with the reason, no domain
        VirtualMachine failed = await().atMost(Duration.ofSeconds(30)).until(() -> vm("vm2"), v -> v.getStatus().conditions.stream()
                .anyMatch(c -> c.getType().equals(ConditionTypes.IMAGE_READY) && c.getStatus().equals("False")
                        && c.getReason().equals("ChecksumMismatch")));
        assertThat(Conditions.find(failed.getStatus().conditions, ConditionTypes.IMAGE_READY).orElseThrow().getMessage())
                .containsIgnoringCase("mismatch");
        assertThat(libvirt.state("cirrus-" + bad.getMetadata().getUid())).isEqualTo(DomainState.ABSENT);

        // 3. garbage: this node's orphans go after the (5 s) grace, another node's domain stays
        await().atMost(Duration.ofSeconds(60)).until(() -> libvirt.state("cirrus-orphan-uid") == DomainState.ABSENT
                && !Files.exists(libvirtd.vmDir().resolve("vms/orphan-uid")));
        assertThat(libvirt.state(foreign)).as("another node's domain").isNotEqualTo(DomainState.ABSENT);
        assertThat(libvirtd.vmDir().resolve("vms").resolve(uid)).isDirectory();
        assertThat(libvirtd.vmDir().resolve("vms/unmarked-uid")).as("a directory node 1 did not mark").isDirectory();

        // 4. stop/start (Manual running false/true) keeps IP and MAC
        long pidBeforeStop = qemuPid(domain);
        setRunning(false);
        await().atMost(Duration.ofSeconds(90)).until(() -> vm("vm1").getStatus().phase == VmPhase.Stopped
                && libvirt.state(domain) == DomainState.ABSENT);
        assertThat(ping(VM_IP)).isFalse();
        setRunning(true);
        await().atMost(BOOT).until(() -> vm("vm1").getStatus().phase == VmPhase.Running);
        await().atMost(BOOT).until(() -> ping(VM_IP));
        long pid = qemuPid(domain);
        assertThat(pid).isNotEqualTo(pidBeforeStop);
        assertThat(host.run(libvirtd.virsh("domiflist", domain)).stdout()).contains(VM_MAC);
        assertThat(vm("vm1").getStatus().interfaces.get(0).mac).isEqualTo(VM_MAC);

        // 5. kill -9 of the daemon: the guest keeps running; a new daemon adopts it (same QEMU pid)
        daemon.kill9();
        assertThat(ping(VM_IP)).as("the guest does not need its daemon").isTrue();
        daemon = NodeDaemonProcess.launch(kubeconfig, node1, work.resolve("node1.log"));
        await().atMost(Duration.ofSeconds(90)).until(() -> daemon.log().contains("adopting running domain " + domain));
        resyncs();
        assertThat(qemuPid(domain)).as("adopted, not restarted").isEqualTo(pid);
        assertThat(vm("vm1").getStatus().phase).isEqualTo(VmPhase.Running);
        assertThat(ping(VM_IP)).as("its network survives the adoption").isTrue();

        // 6. a restart request restarts once, and not again after a daemon restart
        client.resources(VirtualMachine.class).inNamespace(NS).withName("vm1")
                .edit(v -> {
                    v.getMetadata().setAnnotations(Map.of(CirrusApi.RESTART_ANNOTATION, "2026-11-27T04:00:00Z"));
                    return v;
                });
        await().atMost(Duration.ofSeconds(60)).until(() -> qemuPid(domain) != pid && libvirt.state(domain) == DomainState.RUNNING);
        long restarted = qemuPid(domain);
        resyncs();
        assertThat(qemuPid(domain)).as("answered once").isEqualTo(restarted);
        daemon.kill9();
        daemon = NodeDaemonProcess.launch(kubeconfig, node1, work.resolve("node1.log"));
        await().atMost(Duration.ofSeconds(90)).until(() -> daemon.log().lines()
                .filter(l -> l.contains("adopting running domain " + domain)).count() == 2);
        resyncs();
        assertThat(qemuPid(domain)).as("the answered request is not repeated by a new daemon").isEqualTo(restarted);

        // 7. delete: no domain, directory or tap left; the VM is released
        String tap = InterfaceNames.tap(uid, "eth0");
        client.resources(VirtualMachine.class).inNamespace(NS).withName("vm1").delete();
        await().atMost(Duration.ofSeconds(60)).until(() -> vm("vm1") == null);
        assertThat(libvirt.state(domain)).isEqualTo(DomainState.ABSENT);
        assertThat(libvirtd.vmDir().resolve("vms").resolve(uid)).doesNotExist();
        assertThat(host.attempt(Command.of("ip", "link", "show", tap).inNetns(N1)).ok()).isFalse();
        client.resources(VirtualMachine.class).inNamespace(NS).withName("vm2").delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> vm("vm2") == null);
    }

    /** Waits long enough for the daemon to have reconciled the VM a few times (resync every 3 s, slow when loaded). */
    private static void resyncs() throws InterruptedException {
        Thread.sleep(10_000);
    }

    private void setRunning(boolean running) {
        client.resources(VirtualMachine.class).inNamespace(NS).withName("vm1").edit(v -> {
            v.getSpec().running = running;
            return v;
        });
    }

    private long qemuPid(String domain) {
        OptionalLong pid = libvirt.ownedDomains().stream().filter(d -> d.name().equals(domain))
                .map(OwnedDomain::qemuPid).findFirst().orElse(OptionalLong.empty());
        return pid.orElse(-1);
    }

    /**
     * Before the daemon starts: an orphan of node 1 (a defined domain and a VM directory whose VM does not
     * exist) and what is not node 1's to collect: a domain another node's daemon defined, a directory
     * without node 1's mark. Returns the foreign domain's name.
     */
    private String defineStrangers() throws IOException {
        DomainXmlRenderer renderer = new DomainXmlRenderer();
        Path kernel = work.resolve("guest/vmlinuz");
        for (String[] d : new String[][] {{"orphan-uid", N1, "00000000-0000-4000-8000-00000000c0f1"},
                {"foreign-uid", "ccp-elsewhere", "00000000-0000-4000-8000-00000000c0f2"}}) {
            libvirt.define(renderer.render(DomainSpec.builder().name("cirrus-" + d[0]).uuid(d[2])
                    .owner(new DomainOwner(d[0], NS, "gone", 1, d[1], null)).type(DomainType.QEMU).memoryMib(64)
                    .kernelBoot(new DirectKernelBoot(kernel, null, "console=ttyS0"))
                    .consoleLog(work.resolve(d[0] + ".log")).build()));
        }
        Path orphanDir = Files.createDirectories(libvirtd.vmDir().resolve("vms/orphan-uid"));
        Files.writeString(orphanDir.resolve("seed.iso"), "not really");
        Files.writeString(orphanDir.resolve(ComputeAgent.NODE_MARKER), N1);
        // Not marked by node 1 (another node's files, or older ones): never collected.
        Path unmarked = Files.createDirectories(libvirtd.vmDir().resolve("vms/unmarked-uid"));
        Files.writeString(unmarked.resolve("seed.iso"), "not ours to judge");
        return "cirrus-foreign-uid";
    }

    private String serveTestGuest() throws IOException {
        Path guest = work.resolve("guest");
        Path repo = Path.of(System.getProperty("cirrus.repo.root", "../"));
        host.run(Command.of(repo.resolve("hack/build-testguest.sh").toString(), "--install-dir", guest.toString())
                .withTimeout(Duration.ofMinutes(5)));
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", exchange -> {
            Path file = guest.resolve(exchange.getRequestURI().getPath().substring(1));
            if (!Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(200, Files.size(file));
            try (OutputStream out = exchange.getResponseBody()) {
                Files.copy(file, out);
            }
        });
        http.start();
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/";
    }

    private void overlayNetwork() {
        client.resource("""
                apiVersion: cirrus.dev/v1alpha1
                kind: OverlayNetwork
                metadata: {name: net, namespace: %s}
                spec: {cidr: 10.127.0.0/24, encapsulation: vxlan}
                """.formatted(NS)).serverSideApply();
        OverlayNetwork network = client.resources(OverlayNetwork.class).inNamespace(NS).withName("net").get();
        network.setStatus(new OverlayNetworkStatus());
        network.getStatus().vni = 7201L;
        network.getStatus().gateway = "10.127.0.1";
        client.resource(network).updateStatus();
    }

    private void image(String name, String url, String checksum, String format) {
        client.resource("""
                apiVersion: cirrus.dev/v1alpha1
                kind: Image
                metadata: {name: %s, namespace: %s}
                spec: {url: "%s", checksum: "%s", format: %s}
                """.formatted(name, NS, url, checksum, format)).serverSideApply();
    }

    private VirtualMachine placedVm(String name, String node, String kernel, String ip, String mac, String extraSpec) {
        client.resource("""
                apiVersion: cirrus.dev/v1alpha1
                kind: VirtualMachine
                metadata: {name: %s, namespace: %s, labels: {cirrus.dev/node: %s}}
                spec:
                  memory: 256Mi
                  kernelBoot: {kernel: %s, initrd: initrd, cmdline: console=ttyS0}
                  interfaces: [{name: eth0, network: net}]
                %s""".formatted(name, NS, node, kernel, extraSpec)).serverSideApply();
        VirtualMachine vm = vm(name);
        vm.setStatus(new VirtualMachineStatus());
        vm.getStatus().nodeName = node;
        VirtualMachineStatus.InterfaceStatus nic = new VirtualMachineStatus.InterfaceStatus();
        nic.name = "eth0";
        nic.network = "net";
        nic.ip = ip;
        nic.mac = mac;
        vm.getStatus().interfaces = List.of(nic);
        return client.resource(vm).updateStatus();
    }

    private VirtualMachine vm(String name) {
        return client.resources(VirtualMachine.class).inNamespace(NS).withName(name).get();
    }

    private void startNetworkNode(String node, String underlay) {
        TestNodeConfig config = TestNodeConfig.network(node, node, underlay, work.resolve(node).toString());
        NodeReport report = new NodeReport();
        HypervisorRegistration registration = new HypervisorRegistration(client, config, report);
        NodeAgent agent = new NodeAgent(client, config, report, new SimpleMeterRegistry());
        registration.start(null);
        agent.start(null);
        stops.add(() -> registration.stop(null));
        stops.add(() -> agent.stop(null));
    }

    /** A VM stand-in on node 2: a namespace whose eth0 (the VM's MAC) is the peer of the node-side "tap". */
    private void endpoint(VirtualMachine vm) {
        host.run("ip", "netns", "add", ENDPOINT);
        host.run(Command.of("ip", "link", "add", InterfaceNames.tap(vm.getMetadata().getUid(), "eth0"), "type", "veth",
                "peer", "name", "eth0", "netns", ENDPOINT).inNetns(N2));
        host.run(Command.of("ip", "link", "set", "eth0", "address", EP_MAC, "up").inNetns(ENDPOINT));
        host.run(Command.of("ip", "link", "set", "lo", "up").inNetns(ENDPOINT));
    }

    private String dhcp() throws IOException {
        Path script = work.resolve("udhcpc.sh");
        Files.writeString(script, """
                #!/bin/sh
                case "$1" in
                  bound|renew)
                    ip addr flush dev "$interface"
                    ip addr add "$ip/$mask" dev "$interface"
                    [ -n "$router" ] && ip route replace default via "${router%% *}" dev "$interface"
                    ;;
                esac
                exit 0
                """);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        await().atMost(Duration.ofSeconds(60)).until(() -> host.attempt(Command.of("busybox", "udhcpc", "-i", "eth0", "-n", "-q",
                "-t", "5", "-T", "1", "-s", script.toString()).inNetns(ENDPOINT).withTimeout(Duration.ofSeconds(15))).ok());
        String out = host.run(Command.of("ip", "-4", "-o", "addr", "show", "dev", "eth0").inNetns(ENDPOINT)).stdout();
        return out.replaceAll("(?s).*inet ([0-9./]+).*", "$1");
    }

    private boolean ping(String ip) {
        return host.attempt(Command.of("busybox", "ping", "-c", "2", "-W", "2", ip).inNetns(ENDPOINT)
                .withTimeout(Duration.ofSeconds(10))).ok();
    }

    private static void awaitConsole(Path console, String marker) {
        await().atMost(BOOT).pollInterval(Duration.ofMillis(200))
                .until(() -> Files.exists(console) && Files.readString(console).contains(marker));
    }

    private static String sha256(Path file) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
