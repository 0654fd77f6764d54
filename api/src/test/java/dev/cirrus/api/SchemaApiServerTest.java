package dev.cirrus.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus;
import dev.cirrus.api.v1alpha1.VmPhase;
import dev.cirrus.testsupport.RealApiServer;
import dev.cirrus.testsupport.TestEnvironment;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The CRD schemas as a user meets them: a real kube-apiserver accepting or rejecting objects. */
class SchemaApiServerTest {
    private static final String NS = "schema-test";
    private static KubernetesClient client;

    @BeforeAll
    static void connect() {
        client = RealApiServer.shared().newClient();
        client.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @Test
    void everySampleIsAcceptedUnchanged() throws IOException {
        List<Path> samples;
        try (Stream<Path> files = Files.list(TestEnvironment.repoRoot().resolve("config/samples"))) {
            samples = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(samples).isNotEmpty();
        int applied = 0;
        for (Path sample : samples) {
            for (HasMetadata item : client.load(Files.newInputStream(sample)).items()) {
                HasMetadata created = client.resource(item).fieldManager("schema-test").forceConflicts().serverSideApply();
                assertThat(created.getMetadata().getUid()).as("%s %s", sample.getFileName(), item.getMetadata().getName()).isNotNull();
                applied++;
            }
        }
        assertThat(applied).isGreaterThanOrEqualTo(10);

        VirtualMachine vm = client.resources(VirtualMachine.class).inNamespace("green").withName("green-2").get();
        assertThat(vm.getSpec().runStrategy).hasToString("Always");
        assertThat(vm.getSpec().interfaces.get(0).network).isEqualTo("green");
    }

    @Test
    void defaultsAreFilledByTheServer() {
        create("""
                apiVersion: cirrus.dev/v1alpha1
                kind: OverlayNetwork
                metadata: {name: defaults}
                spec: {cidr: 10.1.0.0/24, dhcp: {}}
                """);
        Map<String, Object> spec = genericSpec("overlaynetworks", "defaults");
        assertThat(spec).containsEntry("encapsulation", "geneve");
        assertThat(spec.get("dhcp")).isEqualTo(Map.of("enabled", true));

        create(vm("defaults-vm", "interfaces: [{name: eth0, network: defaults}]"));
        Map<String, Object> vmSpec = genericSpec("virtualmachines", "defaults-vm");
        assertThat(vmSpec).containsEntry("runStrategy", "Always").containsEntry("cpu", 1).containsEntry("memory", "512Mi");
    }

    static Stream<Arguments> invalidObjects() {
        return Stream.of(
                network("cidr: 192.168.88.0/33", "cidr must be an IPv4 CIDR such as 192.168.88.0/24"),
                network("cidr: not-a-cidr", "cidr must be an IPv4 CIDR such as 192.168.88.0/24"),
                network("cidr: 'fd00::/64'", "cidr must be an IPv4 CIDR such as 192.168.88.0/24"),
                network("cidr: 192.168.88.5/24", "cidr must be the network address (host bits zero), e.g. 192.168.88.0/24"),
                network("cidr: 10.0.0.0/31", "cidr prefix length must be between /8 and /30"),
                network("{cidr: 192.168.88.0/24, gateway: 192.168.89.1}", "spec.gateway: Invalid value: gateway must be inside cidr"),
                network("{cidr: 192.168.88.0/24, gateway: router}", "gateway must be an IPv4 address"),
                network("{cidr: 192.168.88.0/24, dhcp: {rangeStart: 192.168.88.10}}", "dhcp.rangeStart and dhcp.rangeEnd must be given together"),
                network("{cidr: 192.168.88.0/24, dhcp: {rangeStart: 192.168.88.10, rangeEnd: 192.168.90.10}}", "dhcp.rangeEnd must be inside cidr"),
                network("{cidr: 192.168.88.0/24, encapsulation: gre}", "Unsupported value: \"gre\": supported values: \"geneve\", \"vxlan\""),
                network("{cidr: 192.168.88.0/24, mtu: 100}", "spec.mtu: Invalid value: 100: spec.mtu in body should be greater than or equal to 576"),
                network("{cidr: 192.168.88.0/24, dns: {servers: [dns.example]}}", "dns.servers must be IPv4 addresses"),
                network("{cidr: 192.168.88.0/24, dns: {searchDomain: Bad_Domain}}", "dns.searchDomain must be a lowercase DNS domain"),
                network("{gateway: 192.168.88.1}", "spec.cidr: Required value"),
                image("{url: ftp://images.local/disk.qcow2, checksum: " + sha() + "}", "url must use the http or https scheme"),
                image("{url: 'http://', checksum: " + sha() + "}", "url must be a valid absolute URL with a host"),
                image("{url: http://images.local/disk.qcow2, checksum: 'md5:1234'}", "checksum must be 'sha256:' followed by 64 lowercase hex digits"),
                image("{url: http://images.local/disk.qcow2}", "spec.checksum: Required value"),
                image("{url: http://images.local/disk.iso, checksum: " + sha() + ", format: iso}", "Unsupported value: \"iso\": supported values: \"initrd\", \"kernel\", \"qcow2\", \"raw\""),
                Arguments.of("vm cpu 0", vm("bad", "cpu: 0"), "spec.cpu in body should be greater than or equal to 1"),
                Arguments.of("vm cpu 65", vm("bad", "cpu: 65"), "spec.cpu in body should be less than or equal to 64"),
                Arguments.of("vm memory word", vm("bad", "memory: lots"), "memory must be a quantity such as 512Mi or 2Gi"),
                Arguments.of("vm memory small", vm("bad", "memory: 16Mi"), "memory must be between 64Mi and 1Ti"),
                Arguments.of("vm runStrategy", vm("bad", "runStrategy: Sometimes"), "Unsupported value: \"Sometimes\": supported values: \"Always\", \"Halted\", \"Manual\", \"RerunOnFailure\""),
                Arguments.of("vm no disk", """
                        apiVersion: cirrus.dev/v1alpha1
                        kind: VirtualMachine
                        metadata: {name: bad}
                        spec: {cpu: 1}
                        """, "a VM needs a rootDisk or a kernelBoot (or both)"),
                Arguments.of("vm multicast mac", vm("bad", "interfaces: [{name: eth0, network: n, mac: '01:00:5e:00:00:01'}]"),
                        "mac must be a unicast address (least significant bit of the first octet clear)"),
                Arguments.of("vm mac syntax", vm("bad", "interfaces: [{name: eth0, network: n, mac: '52:54:00:zz:00:01'}]"), "mac must look like 52:54:00:12:34:56"),
                Arguments.of("vm ip syntax", vm("bad", "interfaces: [{name: eth0, network: n, ip: 192.168.88}]"), "ip must be an IPv4 address"),
                Arguments.of("vm duplicate nic", vm("bad", "interfaces: [{name: eth0, network: a}, {name: eth0, network: b}]"), "interfaces names must be unique"),
                Arguments.of("vm duplicate mac", vm("bad", "interfaces: [{name: eth0, network: a, mac: '52:54:00:00:00:01'}, {name: eth1, network: b, mac: '52:54:00:00:00:01'}]"),
                        "interfaces MAC addresses must be unique"),
                Arguments.of("vm nic name", vm("bad", "interfaces: [{name: a-very-long-nic-name, network: a}]"), "spec.interfaces[0].name: Too long"),
                Arguments.of("vm user data twice", vm("bad", "cloudInit: {userData: x, userDataSecretRef: {name: s}}"), "cloudInit: give userData or userDataSecretRef, not both"),
                Arguments.of("vm hostname", vm("bad", "cloudInit: {hostname: Not_A_Host}"), "hostname must be a DNS label"),
                Arguments.of("vm disk size", vm("bad", "dataDisks: [{name: data, size: '-1Gi'}]"), "dataDisks size must be a positive quantity such as 1Gi"),
                network("{cidr: 192.168.88.0/24, router: {snat: false}}", "spec.router.externalNetwork: Required value"),
                Arguments.of("vm floating ip syntax", vm("bad", "interfaces: [{name: eth0, network: n, floatingIP: {address: public}}]"),
                        "floatingIP.address must be an IPv4 address"),
                Arguments.of("vm repeated forward", vm("bad", "interfaces: [{name: eth0, network: n, portForwards: [{port: 80, targetPort: 80}, {port: 80, targetPort: 8080}]}]"),
                        "portForwards must not repeat a protocol and port"),
                Arguments.of("vm forward port", vm("bad", "interfaces: [{name: eth0, network: n, portForwards: [{port: 0, targetPort: 80}]}]"),
                        "should be greater than or equal to 1"),
                Arguments.of("vm icmp port", vm("bad", "interfaces: [{name: eth0, network: n, firewall: [{protocol: ICMP, portFrom: 80}]}]"),
                        "firewall ports apply to TCP and UDP only"),
                Arguments.of("vm port range", vm("bad", "interfaces: [{name: eth0, network: n, firewall: [{protocol: TCP, portFrom: 90, portTo: 80}]}]"),
                        "firewall portTo needs portFrom and must not be below it"),
                Arguments.of("vm firewall source", vm("bad", "interfaces: [{name: eth0, network: n, firewall: [{protocol: Any, source: anywhere}]}]"),
                        "source must be an IPv4 CIDR"),
                external("{gateway: 198.51.100.1}", "spec.gateway: Invalid value: gateway must be inside cidr"),
                external("{allocationRange: {start: 198.51.100.10, end: 203.0.113.20}}", "allocationRange.start must be inside cidr"),
                external("{cidr: 203.0.113.7/24}", "cidr must be the network address (host bits zero)"),
                external("{uplink: {bridge: 'br ex'}}", "uplink.bridge must be a Linux interface name"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidObjects")
    void invalidObjectsAreRejectedWithAClearMessage(String name, String yaml, String message) {
        assertThatThrownBy(() -> create(yaml))
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
                .hasMessageContaining(message);
    }

    @Test
    void fieldsThatCannotChangeOnALiveObjectAreImmutable() {
        create("""
                apiVersion: cirrus.dev/v1alpha1
                kind: OverlayNetwork
                metadata: {name: frozen}
                spec: {cidr: 10.2.0.0/24, encapsulation: vxlan}
                """);
        assertRejectedPatch("overlaynetworks", "frozen", "{\"spec\":{\"cidr\":\"10.3.0.0/24\"}}", "cidr is immutable: create a new network instead");
        assertRejectedPatch("overlaynetworks", "frozen", "{\"spec\":{\"encapsulation\":\"geneve\"}}", "encapsulation is immutable");

        create("""
                apiVersion: cirrus.dev/v1alpha1
                kind: Image
                metadata: {name: frozen}
                spec: {url: http://images.local/a.qcow2, checksum: %s}
                """.formatted(sha()));
        assertRejectedPatch("images", "frozen", "{\"spec\":{\"url\":\"http://images.local/b.qcow2\"}}",
                "Image spec is immutable: create a new Image for new content");

        create(vm("frozen-vm", "rootDisk: {image: disk-a}"));
        assertRejectedPatch("virtualmachines", "frozen-vm", "{\"spec\":{\"rootDisk\":{\"image\":\"disk-b\"}}}", "rootDisk.image is immutable");
        // Mutable fields stay mutable.
        patch("virtualmachines", "frozen-vm", "{\"spec\":{\"cpu\":2}}");
    }

    @Test
    void statusIsWrittenOnlyThroughTheStatusSubresource() {
        create(vm("status-vm", "rootDisk: {image: disk}"));
        var vms = client.resources(VirtualMachine.class).inNamespace(NS).withName("status-vm");

        VirtualMachine withStatus = vms.get();
        withStatus.setStatus(new VirtualMachineStatus());
        withStatus.getStatus().phase = VmPhase.Running;
        withStatus.getStatus().nodeName = "node-a";
        client.resource(withStatus).update();
        assertThat(vms.get().getStatus()).as("a main-resource update must not write status").isNull();

        VirtualMachine current = vms.get();
        current.setStatus(withStatus.getStatus());
        client.resource(current).updateStatus();
        assertThat(vms.get().getStatus().nodeName).isEqualTo("node-a");
        assertThat(vms.get().getStatus().phase).isEqualTo(VmPhase.Running);
    }

    @Test
    void kubectlShowsThePrinterColumns() throws Exception {
        Path kubeconfig = RealApiServer.shared().writeKubeConfig(Files.createTempDirectory("kc").resolve("config"));
        create(vm("columns-vm", "rootDisk: {image: disk}"));
        create("""
                apiVersion: cirrus.dev/v1alpha1
                kind: OverlayNetwork
                metadata: {name: columns}
                spec: {cidr: 10.9.0.0/24}
                """);
        create("""
                apiVersion: cirrus.dev/v1alpha1
                kind: Image
                metadata: {name: columns}
                spec: {url: http://images.local/a.qcow2, checksum: %s}
                """.formatted(sha()));
        client.resource("""
                apiVersion: cirrus.dev/v1alpha1
                kind: Hypervisor
                metadata: {name: columns-node}
                """).serverSideApply();
        create("""
                apiVersion: cirrus.dev/v1alpha1
                kind: ExternalNetwork
                metadata: {name: columns}
                spec: {uplink: {bridge: cirrus-ex0}, cidr: 203.0.113.0/24, gateway: 203.0.113.1, allocationRange: {start: 203.0.113.100, end: 203.0.113.199}}
                """);
        String[][] expectations = {
                {"vm", "NAME", "PHASE", "NODE", "IP", "READY", "AGE"},
                {"onet", "NAME", "CIDR", "GATEWAY", "VNI", "ENCAP", "READY", "AGE"},
                {"img", "NAME", "FORMAT", "READY", "NODES", "AGE"},
                {"hv", "NAME", "READY", "UNDERLAY", "BACKEND", "CPU", "MEMORY", "VMS", "AGE"},
                {"enet", "NAME", "CIDR", "GATEWAY", "UPLINK", "FREE", "READY", "AGE"},
        };
        for (String[] expected : expectations) {
            String out = kubectl(kubeconfig, "get", expected[0], "-n", NS);
            String header = out.lines().findFirst().orElse("");
            assertThat(header.trim().split("\\s+")).as("kubectl get %s%n%s", expected[0], out)
                    .containsExactly(java.util.Arrays.copyOfRange(expected, 1, expected.length));
        }
        assertThat(kubectl(kubeconfig, "get", "vm", "-n", NS, "-o", "wide").lines().findFirst().orElse(""))
                .contains("CPU", "MEMORY", "RUNSTRATEGY", "MAC", "REASON");
    }

    private static String kubectl(Path kubeconfig, String... args) throws Exception {
        Path kubectl = TestEnvironment.kubeApiTestDir().resolve("k8s/" + TestEnvironment.kubeVersion() + "-linux-amd64/kubectl");
        List<String> argv = new java.util.ArrayList<>(List.of(kubectl.toString(), "--kubeconfig", kubeconfig.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static Arguments network(String spec, String message) {
        return Arguments.of("network " + spec, """
                apiVersion: cirrus.dev/v1alpha1
                kind: OverlayNetwork
                metadata: {name: bad}
                spec: %s
                """.formatted(spec.startsWith("{") ? spec : "{" + spec + "}"), message);
    }

    /** An ExternalNetwork: a valid spec with the given fields replaced. */
    private static Arguments external(String override, String message) {
        Map<String, String> fields = new java.util.LinkedHashMap<>(Map.of(
                "uplink", "{bridge: cirrus-ex0}", "cidr", "203.0.113.0/24", "gateway", "203.0.113.1",
                "allocationRange", "{start: 203.0.113.100, end: 203.0.113.199}"));
        String inner = override.substring(1, override.length() - 1);
        String key = inner.substring(0, inner.indexOf(':')).trim();
        fields.put(key, inner.substring(inner.indexOf(':') + 1).trim());
        StringBuilder spec = new StringBuilder();
        fields.forEach((k, v) -> spec.append(spec.isEmpty() ? "" : ", ").append(k).append(": ").append(v));
        return Arguments.of("external " + override, """
                apiVersion: cirrus.dev/v1alpha1
                kind: ExternalNetwork
                metadata: {name: bad}
                spec: {%s}
                """.formatted(spec), message);
    }

    private static Arguments image(String spec, String message) {
        return Arguments.of("image " + spec, """
                apiVersion: cirrus.dev/v1alpha1
                kind: Image
                metadata: {name: bad}
                spec: %s
                """.formatted(spec), message);
    }

    /** A valid VM (kernel boot) with extra spec lines merged in. */
    private static String vm(String name, String extraSpec) {
        return """
                apiVersion: cirrus.dev/v1alpha1
                kind: VirtualMachine
                metadata: {name: %s}
                spec:
                  kernelBoot: {kernel: k}
                  %s
                """.formatted(name, extraSpec);
    }

    private static String sha() {
        return "sha256:" + "ab".repeat(32);
    }

    private static HasMetadata create(String yaml) {
        if (yaml.contains("kind: ExternalNetwork")) {
            return client.resource(yaml).create();
        }
        return client.resource(yaml).inNamespace(NS).create();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> genericSpec(String plural, String name) {
        var context = new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
                .withGroup(CirrusApi.GROUP).withVersion(CirrusApi.VERSION).withPlural(plural).withNamespaced(true).build();
        return (Map<String, Object>) client.genericKubernetesResources(context).inNamespace(NS).withName(name).get()
                .getAdditionalProperties().get("spec");
    }

    private static void patch(String plural, String name, String mergePatch) {
        var context = new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
                .withGroup(CirrusApi.GROUP).withVersion(CirrusApi.VERSION).withPlural(plural).withNamespaced(true).build();
        client.genericKubernetesResources(context).inNamespace(NS).withName(name)
                .patch(new io.fabric8.kubernetes.client.dsl.base.PatchContext.Builder()
                        .withPatchType(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE).build(), mergePatch);
    }

    private static void assertRejectedPatch(String plural, String name, String mergePatch, String message) {
        assertThatThrownBy(() -> patch(plural, name, mergePatch))
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining(message);
    }
}
