package dev.cirrus.node.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.cirrus.api.ConditionTypes;
import dev.cirrus.api.Conditions;
import dev.cirrus.api.v1alpha1.ExternalNetwork;
import dev.cirrus.api.v1alpha1.ExternalNetworkStatus;
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
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * One node daemon against a real kube-apiserver, the test playing the operator (VNI, gateway,
 * placement, addresses, the node's external address and the VM's floating IP). Proves the node side
 * of router services end to end: it watches the ExternalNetwork, programs the floating IP from
 * status alone, the outside reaches it, and ExternalReady says so — and says why not once the
 * operator takes the address back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouterAgentApiServerIT {
    private static final String NS = "crt-router-it";
    private static final String NODE = "crt-an1";
    private static final String OUT = "crt-aout";
    private static final String VM_NS = "crt-avm1";
    private final HostCommands host = new ProcessHostCommands();
    private final List<Runnable> stops = new ArrayList<>();
    private KubernetesClient client;
    private Path work;

    @BeforeAll
    void topology() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: creates network namespaces");
        cleanUp();
        work = Files.createTempDirectory("crt-router-agent-it");
        client = RealApiServer.shared().newClient();
        client.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
        for (String ns : List.of(NODE, OUT, VM_NS)) {
            host.run("ip", "netns", "add", ns);
            in(ns, "ip", "link", "set", "lo", "up");
        }
        in(NODE, "ip", "addr", "add", "10.97.0.1/32", "dev", "lo"); // underlay address (no peers here)
        in(NODE, "ip", "link", "add", "crt-upl", "type", "bridge");
        in(NODE, "ip", "link", "set", "crt-upl", "up");
        in(OUT, "ip", "link", "add", "crt-ao1", "type", "veth", "peer", "name", "crt-ae1", "netns", NODE);
        in(OUT, "ip", "addr", "add", "203.0.113.1/24", "dev", "crt-ao1");
        in(OUT, "ip", "link", "set", "crt-ao1", "up");
        in(NODE, "ip", "link", "set", "crt-ae1", "master", "crt-upl", "up");
    }

    @AfterAll
    void cleanUp() throws IOException {
        stops.forEach(Runnable::run);
        for (String ns : host.run("ip", "netns", "list").stdout().lines().map(l -> l.split(" ")[0]).toList()) {
            if (ns.startsWith("crt-a") || ns.startsWith("cirrus-r-" + NODE + "-") || ns.startsWith("cirrus-x-" + NODE + "-")) {
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
    void theNodeProgramsTheFloatingIpFromStatusAndReportsExternalReady() {
        externalNetwork();
        overlayNetwork();
        VirtualMachine vm = placedVm();
        String tap = InterfaceNames.tap(vm.getMetadata().getUid(), "eth0");
        in(NODE, "ip", "link", "add", tap, "type", "veth", "peer", "name", "eth0", "netns", VM_NS);
        in(VM_NS, "ip", "link", "set", "eth0", "address", "0e:00:00:00:40:11", "mtu", "1450", "up");
        in(VM_NS, "ip", "addr", "add", "10.40.0.11/24", "dev", "eth0");
        in(VM_NS, "ip", "route", "add", "default", "via", "10.40.0.1");
        startDaemon();

        Condition ready = await().atMost(Duration.ofSeconds(90)).until(() -> externalReady(),
                c -> c.isPresent() && "True".equals(c.get().getStatus())).orElseThrow();
        assertThat(ready.getReason()).isEqualTo("Programmed");
        assertThat(ready.getMessage()).contains("floating IP 203.0.113.50 → 10.40.0.11", "on node " + NODE);
        assertThat(ping(OUT, "203.0.113.50")).as("the firewall opens ICMP").isTrue();

        // The operator takes the address back (e.g. released): the node unprograms it and says why.
        VirtualMachine current = client.resources(VirtualMachine.class).inNamespace(NS).withName("vm1").get();
        current.getStatus().interfaces.get(0).externalIP = null;
        current.getStatus().interfaces.get(0).externalNetwork = null;
        client.resource(current).updateStatus();
        Condition waiting = await().atMost(Duration.ofSeconds(60)).until(() -> externalReady(),
                c -> c.isPresent() && "False".equals(c.get().getStatus())).orElseThrow();
        assertThat(waiting.getReason()).isEqualTo("NoExternalIP");
        assertThat(ping(OUT, "203.0.113.50")).isFalse();
    }

    private void externalNetwork() {
        client.resource("""
                apiVersion: cirrus.dev/v1alpha1
                kind: ExternalNetwork
                metadata: {name: crt-pub}
                spec:
                  uplink: {bridge: crt-upl}
                  cidr: 203.0.113.0/24
                  gateway: 203.0.113.1
                  allocationRange: {start: 203.0.113.50, end: 203.0.113.99}
                """).serverSideApply();
        ExternalNetwork external = client.resources(ExternalNetwork.class).withName("crt-pub").get();
        external.setStatus(new ExternalNetworkStatus());
        ExternalNetworkStatus.NodeAddress address = new ExternalNetworkStatus.NodeAddress();
        address.node = NODE;
        address.address = "203.0.113.11";
        external.getStatus().nodes = List.of(address);
        client.resource(external).updateStatus();
    }

    private void overlayNetwork() {
        client.resource("""
                apiVersion: cirrus.dev/v1alpha1
                kind: OverlayNetwork
                metadata: {name: net, namespace: %s}
                spec:
                  cidr: 10.40.0.0/24
                  encapsulation: vxlan
                  dhcp: {enabled: false}
                  router: {externalNetwork: crt-pub}
                """.formatted(NS)).serverSideApply();
        OverlayNetwork network = client.resources(OverlayNetwork.class).inNamespace(NS).withName("net").get();
        network.setStatus(new OverlayNetworkStatus());
        network.getStatus().vni = 7401L;
        network.getStatus().gateway = "10.40.0.1";
        client.resource(network).updateStatus();
    }

    private VirtualMachine placedVm() {
        client.resource("""
                apiVersion: cirrus.dev/v1alpha1
                kind: VirtualMachine
                metadata: {name: vm1, namespace: %s, labels: {cirrus.dev/node: %s}}
                spec:
                  kernelBoot: {kernel: k}
                  interfaces:
                  - name: eth0
                    network: net
                    floatingIP: {}
                    firewall: [{protocol: ICMP}]
                """.formatted(NS, NODE)).serverSideApply();
        VirtualMachine vm = client.resources(VirtualMachine.class).inNamespace(NS).withName("vm1").get();
        vm.setStatus(new VirtualMachineStatus());
        vm.getStatus().nodeName = NODE;
        VirtualMachineStatus.InterfaceStatus nic = new VirtualMachineStatus.InterfaceStatus();
        nic.name = "eth0";
        nic.network = "net";
        nic.ip = "10.40.0.11";
        nic.mac = "0e:00:00:00:40:11";
        nic.externalIP = "203.0.113.50";
        nic.externalNetwork = "crt-pub";
        vm.getStatus().interfaces = List.of(nic);
        return client.resource(vm).updateStatus();
    }

    private Optional<Condition> externalReady() {
        VirtualMachine vm = client.resources(VirtualMachine.class).inNamespace(NS).withName("vm1").get();
        return vm.getStatus() == null ? Optional.empty() : Conditions.find(vm.getStatus().conditions, ConditionTypes.EXTERNAL_READY);
    }

    private void startDaemon() {
        NodeConfig config = TestNodeConfig.network(NODE, NODE, "10.97.0.1", work.resolve(NODE).toString());
        NodeReport report = new NodeReport();
        HypervisorRegistration registration = new HypervisorRegistration(client, config, report);
        NodeAgent agent = new NodeAgent(client, config, report, new SimpleMeterRegistry());
        registration.start(null);
        agent.start(null);
        stops.add(() -> agent.stop(null));
        stops.add(() -> registration.stop(null));
    }

    private void in(String netns, String... argv) {
        host.run(Command.of(argv).inNetns(netns));
    }

    private boolean ping(String netns, String ip) {
        return host.attempt(Command.of("busybox", "ping", "-c", "2", "-W", "2", ip).inNetns(netns)
                .withTimeout(Duration.ofSeconds(10))).ok();
    }
}
