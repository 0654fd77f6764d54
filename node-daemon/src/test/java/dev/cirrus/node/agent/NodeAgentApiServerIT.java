package dev.cirrus.node.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.cirrus.api.CirrusApi;
import dev.cirrus.api.ConditionTypes;
import dev.cirrus.api.v1alpha1.Hypervisor;
import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.OverlayNetworkStatus;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus;
import dev.cirrus.node.NodeConfig;
import dev.cirrus.node.host.Command;
import dev.cirrus.node.host.HostCommands;
import dev.cirrus.node.host.ProcessHostCommands;
import dev.cirrus.node.network.InterfaceNames;
import dev.cirrus.node.registry.HypervisorRegistration;
import dev.cirrus.testsupport.RealApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two node daemons (agent + heartbeat, each owning a network-namespace "node") against a real
 * kube-apiserver, with the test playing the operator's half of the status contract (VNI, gateway,
 * placement, addresses). Proves the daemon side: it programs from status alone, finds its tunnel
 * peer through the other node's Hypervisor report, hands out the reserved address by DHCP, reports
 * NetworkReady, and on delete cleans up before it releases the VM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeAgentApiServerIT {
    private static final String NS = "agent-it";
    private static final List<String> NODES = List.of("cag-n1", "cag-n2");
    private final HostCommands host = new ProcessHostCommands();
    private final List<Runnable> stops = new ArrayList<>();
    private final Map<String, SimpleMeterRegistry> metrics = new HashMap<>();
    private final Map<String, NodeAgent> agents = new HashMap<>();
    private KubernetesClient client;
    private Path work;

    @BeforeAll
    void nodes() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: creates network namespaces");
        cleanUp();
        work = Files.createTempDirectory("cirrus-agent-it");
        client = RealApiServer.shared().newClient();
        client.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
        for (String node : NODES) {
            host.run("ip", "netns", "add", node);
            host.run(Command.of("ip", "link", "set", "lo", "up").inNetns(node));
        }
        host.run(Command.of("ip", "link", "add", "cag-u1", "type", "veth", "peer", "name", "cag-u2", "netns", NODES.get(1))
                .inNetns(NODES.get(0)));
        host.run(Command.of("ip", "addr", "add", "10.98.0.1/24", "dev", "cag-u1").inNetns(NODES.get(0)));
        host.run(Command.of("ip", "addr", "add", "10.98.0.2/24", "dev", "cag-u2").inNetns(NODES.get(1)));
        host.run(Command.of("ip", "link", "set", "cag-u1", "up").inNetns(NODES.get(0)));
        host.run(Command.of("ip", "link", "set", "cag-u2", "up").inNetns(NODES.get(1)));
    }

    @AfterAll
    void cleanUp() throws IOException {
        stops.forEach(Runnable::run);
        if (work != null) {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path pid : files.filter(p -> p.toString().endsWith(".pid")).toList()) {
                    host.attempt(Command.of("kill", Files.readString(pid).strip()));
                }
            }
        }
        for (String ns : host.run("ip", "netns", "list").stdout().lines().map(l -> l.split(" ")[0]).toList()) {
            if (ns.startsWith("cag-") || ns.startsWith("cirrus-r-cag")) {
                host.attempt(Command.of("ip", "netns", "delete", ns));
            }
        }
        if (work != null) {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void twoDaemonsProgramTheOverlayFromStatusAndCleanUpOnDelete() throws IOException {
        client.resource("""
                apiVersion: cirrus.dev/v1alpha1
                kind: OverlayNetwork
                metadata: {name: net, namespace: %s}
                spec: {cidr: 10.30.0.0/24, encapsulation: vxlan}
                """.formatted(NS)).serverSideApply();
        OverlayNetwork network = client.resources(OverlayNetwork.class).inNamespace(NS).withName("net").get();
        network.setStatus(new OverlayNetworkStatus());
        network.getStatus().vni = 7001L;
        network.getStatus().gateway = "10.30.0.1";
        client.resource(network).updateStatus();

        VirtualMachine vm1 = placedVm("vm1", NODES.get(0), "10.30.0.11", "0e:00:00:00:30:11");
        VirtualMachine vm2 = placedVm("vm2", NODES.get(1), "10.30.0.12", "0e:00:00:00:30:12");
        endpoint("cag-vm1", NODES.get(0), vm1, "0e:00:00:00:30:11");
        endpoint("cag-vm2", NODES.get(1), vm2, "0e:00:00:00:30:12");
        NODES.forEach(this::startDaemon);

        for (String name : List.of("vm1", "vm2")) {
            VirtualMachine ready = await().atMost(Duration.ofSeconds(60)).until(() -> vm(name),
                    v -> v.getStatus().conditions.stream().anyMatch(c -> c.getType().equals(ConditionTypes.NETWORK_READY) && c.getStatus().equals("True")));
            assertThat(ready.getStatus().interfaces.get(0).tap).isEqualTo(InterfaceNames.tap(ready.getMetadata().getUid(), "eth0"));
            assertThat(ready.getMetadata().getFinalizers()).contains(CirrusApi.NODE_CLEANUP_FINALIZER);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> NODES.stream().allMatch(n -> {
            Hypervisor h = client.resources(Hypervisor.class).withName(n).get();
            return h.getStatus().networks != null && h.getStatus().networks.stream().anyMatch(e -> "Ready".equals(e.state));
        }));

        assertThat(dhcp("cag-vm1")).startsWith("10.30.0.11/24");
        assertThat(dhcp("cag-vm2")).startsWith("10.30.0.12/24");
        // Across the tunnel, once each node knows the other as its peer.
        await().atMost(Duration.ofSeconds(30)).until(() -> ping("cag-vm1", "10.30.0.12"));
        assertThat(ping("cag-vm2", "10.30.0.1")).as("the gateway answers locally").isTrue();

        // DNS: each node's dnsmasq names every VM of the network, the one on the other node too.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(nslookup("cag-vm1", "vm2")).contains("10.30.0.12");
            assertThat(nslookup("cag-vm2", "vm1")).contains("10.30.0.11");
        });

        // Drift: someone detaches vm1's tap. The next resync repairs it and says so: an event on the
        // node's Hypervisor and on the VM, and the repair counter by kind of object.
        String tap1 = InterfaceNames.tap(vm1.getMetadata().getUid(), "eth0");
        host.run(Command.of("ip", "link", "set", "dev", tap1, "nomaster").inNetns(NODES.get(0)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(repairEvents(NS, "VirtualMachine", "vm1")).anyMatch(m -> m.contains("re-attached " + tap1));
            assertThat(repairEvents("default", "Hypervisor", NODES.get(0))).anyMatch(m -> m.contains("re-attached " + tap1));
        });
        assertThat(metrics.get(NODES.get(0)).counter("cirrus_node_repairs_total", "kind", "tap").count()).isGreaterThanOrEqualTo(1);
        assertThat(ping("cag-vm1", "10.30.0.12")).isTrue();

        // A daemon restart (new agent, same state directory) changes nothing on the host.
        String node1 = NODES.get(0);
        String router1 = InterfaceNames.routerNamespace(node1, NS, "net");
        Path pidFile = work.resolve(node1).resolve("network").resolve("dnsmasq").resolve(router1 + ".pid");
        await().atMost(Duration.ofSeconds(30)).until(() -> ping("cag-vm1", "10.30.0.12"));
        String links = ifindexes(node1);
        String routerLinks = ifindexes(router1);
        String pid = Files.readString(pidFile).strip();
        agents.remove(node1).stop(null);
        SimpleMeterRegistry restarted = new SimpleMeterRegistry();
        NodeAgent again = new NodeAgent(client, TestNodeConfig.network(node1, node1, "10.98.0.1", work.resolve(node1).toString()),
                new NodeReport(), restarted);
        again.start(null);
        stops.add(() -> again.stop(null));
        // ProcessHostCommands times every command in the agent's registry: wait for two full resyncs.
        await().atMost(Duration.ofSeconds(30)).until(() -> restarted.find("cirrus_host_command_seconds").timers().stream()
                .mapToLong(t -> t.count()).sum() > 40);
        assertThat(ifindexes(node1)).as("no link re-created").isEqualTo(links);
        assertThat(ifindexes(router1)).isEqualTo(routerLinks);
        assertThat(Files.readString(pidFile).strip()).as("dnsmasq not restarted").isEqualTo(pid);
        assertThat(restarted.find("cirrus_node_repairs_total").counters()).isEmpty();
        assertThat(ping("cag-vm1", "10.30.0.12")).isTrue();

        String tap2 = InterfaceNames.tap(vm2.getMetadata().getUid(), "eth0");
        client.resources(VirtualMachine.class).inNamespace(NS).withName("vm2").delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> vm("vm2") == null);
        assertThat(host.attempt(Command.of("ip", "link", "show", tap2).inNetns(NODES.get(1))).ok())
                .as("the deleted VM's tap is gone before the VM is released").isFalse();
    }

    private VirtualMachine placedVm(String name, String node, String ip, String mac) {
        client.resource("""
                apiVersion: cirrus.dev/v1alpha1
                kind: VirtualMachine
                metadata: {name: %s, namespace: %s, labels: {cirrus.dev/node: %s}}
                spec:
                  kernelBoot: {kernel: k}
                  interfaces: [{name: eth0, network: net}]
                """.formatted(name, NS, node)).serverSideApply();
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

    /** A VM stand-in: a namespace whose eth0 (the VM's MAC) is the peer of the node-side "tap". */
    private void endpoint(String netns, String node, VirtualMachine vm, String mac) {
        host.run("ip", "netns", "add", netns);
        host.run(Command.of("ip", "link", "add", InterfaceNames.tap(vm.getMetadata().getUid(), "eth0"), "type", "veth",
                "peer", "name", "eth0", "netns", netns).inNetns(node));
        host.run(Command.of("ip", "link", "set", "eth0", "address", mac, "up").inNetns(netns));
        host.run(Command.of("ip", "link", "set", "lo", "up").inNetns(netns));
    }

    private void startDaemon(String node) {
        NodeConfig config = TestNodeConfig.network(node, node, "10.98.0." + (NODES.indexOf(node) + 1), work.resolve(node).toString());
        NodeReport report = new NodeReport();
        HypervisorRegistration registration = new HypervisorRegistration(client, config, report);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        metrics.put(node, registry);
        NodeAgent agent = new NodeAgent(client, config, report, registry);
        registration.start(null);
        agent.start(null);
        agents.put(node, agent);
        stops.add(() -> agent.stop(null));
        stops.add(() -> registration.stop(null));
    }

    private String dhcp(String netns) throws IOException {
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
        await().atMost(Duration.ofSeconds(40)).until(() -> host.attempt(Command.of("busybox", "udhcpc", "-i", "eth0", "-n", "-q",
                "-t", "5", "-T", "1", "-s", script.toString()).inNetns(netns).withTimeout(Duration.ofSeconds(15))).ok());
        String out = host.run(Command.of("ip", "-4", "-o", "addr", "show", "dev", "eth0").inNetns(netns)).stdout();
        return out.replaceAll("(?s).*inet ([0-9./]+).*", "$1");
    }

    /** name=ifindex of every link in the namespace, sorted. */
    private String ifindexes(String netns) {
        return host.run(Command.of("ip", "-o", "link", "show").inNetns(netns)).stdout().lines()
                .map(l -> l.split(": ")[1].split("@")[0] + "=" + l.split(":")[0]).sorted().toList().toString();
    }

    private String nslookup(String netns, String name) {
        return host.attempt(Command.of("busybox", "nslookup", name, "10.30.0.1").inNetns(netns)
                .withTimeout(Duration.ofSeconds(10))).stdout();
    }

    private List<String> repairEvents(String namespace, String kind, String name) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> "DriftRepaired".equals(e.getReason()) && kind.equals(e.getInvolvedObject().getKind())
                        && name.equals(e.getInvolvedObject().getName()))
                .map(e -> e.getMessage()).toList();
    }

    private boolean ping(String netns, String ip) {
        return host.attempt(Command.of("busybox", "ping", "-c", "2", "-W", "2", ip).inNetns(netns).withTimeout(Duration.ofSeconds(10))).ok();
    }
}
