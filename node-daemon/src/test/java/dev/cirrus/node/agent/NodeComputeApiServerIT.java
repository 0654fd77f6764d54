package dev.cirrus.node.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;
import dev.cirrus.api.CirrusApi;
import dev.cirrus.api.ConditionTypes;
import dev.cirrus.api.Conditions;
import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.OverlayNetworkStatus;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus;
import dev.cirrus.api.v1alpha1.VmPhase;
import dev.cirrus.node.NodeConfig;
import dev.cirrus.node.host.Command;
import dev.cirrus.node.host.HostCommands;
import dev.cirrus.node.host.ProcessHostCommands;
import dev.cirrus.node.network.InterfaceNames;
import dev.cirrus.testsupport.RealApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One node daemon with compute on (host namespace, real libvirtd, TCG) against a real kube-apiserver:
 * the test plays the operator (network VNI/gateway, placement, addresses) and serves the test guest's
 * kernel/initrd as Images over HTTP. Proves images → seed → domain → running guest with its DHCP
 * address on the tap, Ready, and on delete the domain and files go before the VM is released; an
 * Image with a wrong checksum yields ImageReady=False and no domain.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeComputeApiServerIT {
    private static final String NS = "compute-it";
    private static final String NODE = "cct-n1";
    private static final Path VM_ROOT = Path.of("/var/lib/libvirt/images/cirrus-cct");
    private final HostCommands host = new ProcessHostCommands();
    private final List<Runnable> stops = new ArrayList<>();
    private final List<String> domains = new ArrayList<>();
    private KubernetesClient client;
    private Path work;
    private Path run;
    private boolean startedLibvirt;
    private HttpServer http;

    @BeforeAll
    void setUp() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: libvirtd, bridges, dnsmasq");
        work = Files.createTempDirectory("cirrus-compute-it");
        run = Files.createTempDirectory("cirrus-compute-it-run");
        if (!host.attempt(virsh("version")).ok()) {
            startedLibvirt = host.attempt(Command.of("virtlogd", "-d", "-p", run.resolve("virtlogd.pid").toString())).ok()
                    && host.attempt(Command.of("libvirtd", "-d", "-p", run.resolve("libvirtd.pid").toString())).ok();
            for (int i = 0; i < 100 && startedLibvirt && !host.attempt(virsh("version")).ok(); i++) {
                Thread.sleep(100);
            }
        }
        assumeTrue(host.attempt(virsh("version")).ok(), "libvirtd cannot be started");
        removeHostLeftovers();
        client = RealApiServer.shared().newClient();
        client.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
    }

    @AfterAll
    void cleanUp() throws IOException {
        stops.forEach(Runnable::run);
        if (http != null) {
            http.stop(0);
        }
        if (work == null) {
            return;
        }
        for (String domain : domains) {
            host.attempt(virsh("destroy", domain));
            host.attempt(virsh("undefine", domain));
        }
        removeHostLeftovers();
        if (startedLibvirt) {
            for (String pid : List.of("libvirtd.pid", "virtlogd.pid")) {
                killPidFile(run.resolve(pid));
            }
        }
        deleteTree(work);
        deleteTree(run);
        deleteTree(VM_ROOT);
    }

    /** dnsmasq of the state dir, the Cirrus devices and router namespaces of this node (host namespace). */
    private void removeHostLeftovers() throws IOException {
        if (work != null && Files.exists(work)) {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path pid : files.filter(p -> p.toString().endsWith(".pid")).toList()) {
                    killPidFile(pid);
                }
            }
        }
        for (String ns : host.run("ip", "netns", "list").stdout().lines().map(l -> l.split(" ")[0]).toList()) {
            if (ns.startsWith(InterfaceNames.routerNamespacePrefix(NODE))) {
                host.attempt(Command.of("ip", "netns", "delete", ns));
            }
        }
        for (String line : host.run("ip", "-o", "link", "show").stdout().lines().toList()) {
            String name = line.split(":")[1].strip().split("@")[0];
            if (InterfaceNames.OWNED_LINK.matcher(name).matches()) {
                host.attempt(Command.of("ip", "link", "del", name));
            }
        }
    }

    @Test
    void bootsAVmFromImagesAndCleansUpOnDelete() throws Exception {
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
        String base = "http://127.0.0.1:" + http.getAddress().getPort() + "/";
        image("kernel", base + "vmlinuz", sha256(guest.resolve("vmlinuz")), "kernel");
        image("initrd", base + "initrd.img", sha256(guest.resolve("initrd.img")), "initrd");
        image("bad-kernel", base + "vmlinuz", "sha256:" + "0".repeat(64), "kernel");

        client.resource("""
                apiVersion: cirrus.dev/v1alpha1
                kind: OverlayNetwork
                metadata: {name: net, namespace: %s}
                spec: {cidr: 10.126.0.0/24, encapsulation: vxlan}
                """.formatted(NS)).serverSideApply();
        OverlayNetwork network = client.resources(OverlayNetwork.class).inNamespace(NS).withName("net").get();
        network.setStatus(new OverlayNetworkStatus());
        network.getStatus().vni = 7101L;
        network.getStatus().gateway = "10.126.0.1";
        client.resource(network).updateStatus();

        startDaemon();
        long t0 = System.nanoTime();
        VirtualMachine vm = placedVm("vm1", "kernel", "10.126.0.20", "0e:00:00:00:7e:20");
        String uid = vm.getMetadata().getUid();
        domains.add("cirrus-" + uid);

        VirtualMachine running = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> vm("vm1"), v -> v.getStatus().phase == VmPhase.Running
                        && Conditions.isTrue(v.getStatus().conditions, ConditionTypes.DOMAIN_RUNNING));
        long domainRunning = System.nanoTime();
        assertThat(running.getStatus().domainId).isNotBlank();
        assertThat(running.getStatus().bootTime).isNotBlank();
        assertThat(running.getMetadata().getFinalizers()).contains(CirrusApi.NODE_CLEANUP_FINALIZER);
        Path console = Path.of(running.getStatus().consoleLog);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> Files.exists(console) && Files.readString(console).contains("CIRRUS-IP=10.126.0.20/24"));
        long ip = System.nanoTime();
        assertThat(Files.readString(console)).contains("CIRRUS-INSTANCE-ID=" + uid);
        await().atMost(Duration.ofSeconds(30)).until(() -> Conditions.isTrue(vm("vm1").getStatus().conditions, ConditionTypes.READY));
        System.out.printf("compute IT: VM applied -> domain running %d ms, -> CIRRUS-IP %d ms%n",
                (domainRunning - t0) / 1_000_000, (ip - t0) / 1_000_000);

        VirtualMachine bad = placedVm("vm2", "bad-kernel", "10.126.0.21", "0e:00:00:00:7e:21");
        domains.add("cirrus-" + bad.getMetadata().getUid());
        VirtualMachine failed = await().atMost(Duration.ofSeconds(30)).until(() -> vm("vm2"), v -> v.getStatus().conditions.stream()
                .anyMatch(c -> c.getType().equals(ConditionTypes.IMAGE_READY) && c.getStatus().equals("False")));
        assertThat(Conditions.find(failed.getStatus().conditions, ConditionTypes.IMAGE_READY).orElseThrow().getMessage())
                .containsIgnoringCase("mismatch");
        assertThat(host.run(virsh("list", "--all", "--name")).stdout()).doesNotContain("cirrus-" + bad.getMetadata().getUid());

        client.resources(VirtualMachine.class).inNamespace(NS).withName("vm1").delete();
        await().atMost(Duration.ofSeconds(60)).until(() -> vm("vm1") == null);
        assertThat(host.run(virsh("list", "--all", "--name")).stdout()).doesNotContain("cirrus-" + uid);
        assertThat(VM_ROOT.resolve("vms").resolve(uid)).doesNotExist();
        client.resources(VirtualMachine.class).inNamespace(NS).withName("vm2").delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> vm("vm2") == null);
    }

    private void image(String name, String url, String checksum, String format) {
        client.resource("""
                apiVersion: cirrus.dev/v1alpha1
                kind: Image
                metadata: {name: %s, namespace: %s}
                spec: {url: "%s", checksum: "%s", format: %s}
                """.formatted(name, NS, url, checksum, format)).serverSideApply();
    }

    private VirtualMachine placedVm(String name, String kernel, String ip, String mac) {
        client.resource("""
                apiVersion: cirrus.dev/v1alpha1
                kind: VirtualMachine
                metadata: {name: %s, namespace: %s, labels: {cirrus.dev/node: %s}}
                spec:
                  memory: 256Mi
                  kernelBoot: {kernel: %s, initrd: initrd, cmdline: console=ttyS0}
                  interfaces: [{name: eth0, network: net}]
                """.formatted(name, NS, NODE, kernel)).serverSideApply();
        VirtualMachine vm = vm(name);
        vm.setStatus(new VirtualMachineStatus());
        vm.getStatus().nodeName = NODE;
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

    private void startDaemon() {
        NodeConfig config = TestNodeConfig.compute(NODE, work.resolve("state").toString(), VM_ROOT.toString());
        NodeAgent agent = new NodeAgent(client, config, new NodeReport(), new SimpleMeterRegistry());
        agent.start(null);
        stops.add(() -> agent.stop(null));
    }

    private static String sha256(Path file) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static Command virsh(String... args) {
        List<String> argv = new ArrayList<>(List.of("virsh", "-c", "qemu:///system"));
        argv.addAll(List.of(args));
        return Command.of(argv.toArray(String[]::new));
    }

    private void killPidFile(Path pidFile) throws IOException {
        if (Files.exists(pidFile)) {
            host.attempt(Command.of("kill", Files.readString(pidFile).strip()));
            Files.deleteIfExists(pidFile);
        }
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
