package dev.cirrus.node.agent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.OverlayNetworkStatus;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus;
import dev.cirrus.api.v1alpha1.VmPhase;
import dev.cirrus.node.compute.NodeLibvirtd;
import dev.cirrus.node.compute.TestGuestServer;
import dev.cirrus.node.host.Command;
import dev.cirrus.node.host.HostCommands;
import dev.cirrus.node.host.ProcessHostCommands;
import dev.cirrus.node.network.InterfaceNames;
import dev.cirrus.node.registry.HypervisorRegistration;
import dev.cirrus.testsupport.RealApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The VM start benchmark (run by hack/bench-vm-start, not a test): one compute node (a network
 * namespace with its own libvirtd, the daemon in-process) against a real kube-apiserver; per run
 * a VM booting the test guest (TCG) is applied, the time until its status says Running (domain
 * started) and until it answers ping from its network's gateway is taken, then the VM is deleted.
 * Prints {@code BENCH vm-start ...} with the P50 (and min/max) of the runs. Argument: runs (5).
 */
public final class VmStartBench {
    private static final String NODE = "ccp-vb1";
    private static final String NS = "vm-bench";
    private static final Path NODE_DIR = Path.of("/var/tmp/cirrus-vm-bench", NODE);
    private static final String VM_IP = "10.128.0.20";
    private final HostCommands host = new ProcessHostCommands();
    private final Path repo = Path.of(System.getProperty("cirrus.repo.root", "."));

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        VmStartBench bench = new VmStartBench();
        bench.cleanUp();
        int status = 0;
        try {
            bench.run(runs);
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 1;
        } finally {
            bench.cleanUp();
        }
        // Informer and API-server threads would keep the JVM alive.
        System.exit(status);
    }

    private void run(int runs) throws Exception {
        host.run("ip", "netns", "add", NODE);
        host.run(Command.of("ip", "link", "set", "lo", "up").inNetns(NODE));
        // An underlay address for the node's VXLAN devices (no dummy devices on these kernels).
        host.run(Command.of("ip", "link", "add", "ccp-vbu", "type", "veth", "peer", "name", "ccp-vbp").inNetns(NODE));
        host.run(Command.of("ip", "addr", "add", "10.96.0.1/24", "dev", "ccp-vbu").inNetns(NODE));
        host.run(Command.of("ip", "link", "set", "ccp-vbu", "up").inNetns(NODE));
        host.run(Command.of("ip", "link", "set", "ccp-vbp", "up").inNetns(NODE));
        Path work = Files.createTempDirectory("cirrus-vm-bench");
        try (NodeLibvirtd libvirtd = NodeLibvirtd.start(host, repo, NODE, NODE_DIR);
             TestGuestServer guest = TestGuestServer.start(host, repo, work.resolve("guest"));
             KubernetesClient client = RealApiServer.shared().newClient()) {
            client.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
            image(client, "kernel", guest.url("vmlinuz"), guest.checksum("vmlinuz"), "kernel");
            image(client, "initrd", guest.url("initrd.img"), guest.checksum("initrd.img"), "initrd");
            network(client);
            TestNodeConfig config = TestNodeConfig.compute(NODE, NODE, "10.96.0.1", work.resolve("state").toString(),
                    libvirtd.vmDir().toString(), libvirtd.uri(), Duration.ofMinutes(10));
            NodeReport report = new NodeReport();
            HypervisorRegistration registration = new HypervisorRegistration(client, config, report);
            NodeAgent agent = new NodeAgent(client, config, report, new SimpleMeterRegistry());
            registration.start(null);
            agent.start(null);
            try {
                List<Long> running = new ArrayList<>();
                List<Long> ping = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    long[] t = once(client, "bench-" + i);
                    running.add(t[0]);
                    ping.add(t[1]);
                    System.out.printf("run %d: domain running %d ms, answers ping %d ms%n", i + 1, t[0], t[1]);
                    System.err.printf("run %d: domain running %d ms, answers ping %d ms%n", i + 1, t[0], t[1]);
                }
                System.out.printf("BENCH vm-start runs=%d apply->domain-running p50=%dms (min %d, max %d) "
                                + "apply->guest-answers-ping p50=%dms (min %d, max %d) load-average-before/after=%s/%s%n",
                        runs, p50(running), min(running), max(running), p50(ping), min(ping), max(ping),
                        LOAD_BEFORE, loadAverage());
            } finally {
                agent.stop(null);
                registration.stop(null);
            }
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static final String LOAD_BEFORE = loadAverage();

    /** Milliseconds from apply to Running and to the first answered ping; the VM is gone again on return. */
    private long[] once(KubernetesClient client, String name) throws Exception {
        long t0 = System.nanoTime();
        client.resource("""
                apiVersion: cirrus.dev/v1alpha1
                kind: VirtualMachine
                metadata: {name: %s, namespace: %s, labels: {cirrus.dev/node: %s}}
                spec:
                  memory: 256Mi
                  kernelBoot: {kernel: kernel, initrd: initrd, cmdline: console=ttyS0}
                  interfaces: [{name: eth0, network: net}]
                """.formatted(name, NS, NODE)).serverSideApply();
        // The operator's part (placement, address): done at once, as the operator would.
        VirtualMachine vm = client.resources(VirtualMachine.class).inNamespace(NS).withName(name).get();
        vm.setStatus(new VirtualMachineStatus());
        vm.getStatus().nodeName = NODE;
        VirtualMachineStatus.InterfaceStatus nic = new VirtualMachineStatus.InterfaceStatus();
        nic.name = "eth0";
        nic.network = "net";
        nic.ip = VM_IP;
        nic.mac = "0e:00:00:00:80:20";
        vm.getStatus().interfaces = List.of(nic);
        client.resource(vm).updateStatus();
        long deadline = t0 + Duration.ofMinutes(3).toNanos();
        long running = -1;
        long ping = -1;
        String router = InterfaceNames.routerNamespace(NODE, NS, "net");
        while (ping < 0 && System.nanoTime() < deadline) {
            if (running < 0) {
                VirtualMachine now = client.resources(VirtualMachine.class).inNamespace(NS).withName(name).get();
                if (now.getStatus() != null && now.getStatus().phase == VmPhase.Running) {
                    running = System.nanoTime() - t0;
                }
                Thread.sleep(100);
            } else if (host.attempt(Command.of("busybox", "ping", "-c", "1", "-W", "1", VM_IP).inNetns(router)
                    .withTimeout(Duration.ofSeconds(5))).ok()) {
                ping = System.nanoTime() - t0;
            }
        }
        client.resources(VirtualMachine.class).inNamespace(NS).withName(name).delete();
        while (client.resources(VirtualMachine.class).inNamespace(NS).withName(name).get() != null) {
            Thread.sleep(200);
        }
        if (ping < 0) {
            throw new IllegalStateException(name + " did not answer ping within 3 minutes");
        }
        return new long[] {running / 1_000_000, ping / 1_000_000};
    }

    private static void image(KubernetesClient client, String name, String url, String checksum, String format) {
        client.resource("""
                apiVersion: cirrus.dev/v1alpha1
                kind: Image
                metadata: {name: %s, namespace: %s}
                spec: {url: "%s", checksum: "%s", format: %s}
                """.formatted(name, NS, url, checksum, format)).serverSideApply();
    }

    private static void network(KubernetesClient client) {
        client.resource("""
                apiVersion: cirrus.dev/v1alpha1
                kind: OverlayNetwork
                metadata: {name: net, namespace: %s}
                spec: {cidr: 10.128.0.0/24, encapsulation: vxlan}
                """.formatted(NS)).serverSideApply();
        OverlayNetwork network = client.resources(OverlayNetwork.class).inNamespace(NS).withName("net").get();
        network.setStatus(new OverlayNetworkStatus());
        network.getStatus().vni = 7301L;
        network.getStatus().gateway = "10.128.0.1";
        client.resource(network).updateStatus();
    }

    private void cleanUp() {
        host.attempt(Command.of(repo.resolve("hack/node-libvirtd.sh").toString(), "stop", NODE, NODE_DIR.toString())
                .withTimeout(Duration.ofSeconds(60)));
        for (String ns : host.run("ip", "netns", "list").stdout().lines().map(l -> l.split(" ")[0]).toList()) {
            if (ns.equals(NODE) || ns.startsWith(InterfaceNames.routerNamespacePrefix(NODE))) {
                // dnsmasq of a router namespace: pid files live in the (temporary) state dir; kill by namespace.
                for (String pid : host.attempt(Command.of("ip", "netns", "pids", ns)).stdout().lines().toList()) {
                    host.attempt(Command.of("kill", pid.strip()));
                }
                host.attempt(Command.of("ip", "netns", "delete", ns));
            }
        }
        host.attempt(Command.of("rm", "-rf", NODE_DIR.toString()));
    }

    private static String loadAverage() {
        try {
            return String.join(" ", List.of(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
        } catch (Exception e) {
            return "?";
        }
    }

    private static long p50(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static long min(List<Long> values) {
        return values.stream().min(Long::compare).orElse(-1L);
    }

    private static long max(List<Long> values) {
        return values.stream().max(Long::compare).orElse(-1L);
    }
}
