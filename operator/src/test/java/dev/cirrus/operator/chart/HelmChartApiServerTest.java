package dev.cirrus.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.cirrus.api.CirrusApi;
import dev.cirrus.api.v1alpha1.Hypervisor;
import dev.cirrus.api.v1alpha1.HypervisorStatus;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus;
import dev.cirrus.testsupport.RealApiServer;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart helm/cirrus against the real test kube-apiserver (no kubelet: pods never run):
 * lint, render + server-side dry-run, install, least-privilege RBAC, and the admission policy that
 * keeps a node daemon to its own node. helm comes from hack/build-helm.sh.
 */
class HelmChartApiServerTest {
    private static final String RELEASE = "cirrus-it";
    private static final String NAMESPACE = "cirrus-helm";
    private static final String NODE_DAEMON_SA = "system:serviceaccount:" + NAMESPACE + ":" + RELEASE + "-node-daemon";
    private static final String OPERATOR_SA = "system:serviceaccount:" + NAMESPACE + ":" + RELEASE + "-operator";
    private static final String TENANT = "cirrus-helm-tenant";
    // The user extra a pod-bound service account token carries (ServiceAccountTokenPodNodeInfo);
    // impersonation headers need the '/' of the key URL-encoded.
    private static final String NODE_EXTRA = "authentication.kubernetes.io%2Fnode-name";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path tmp;

    private static RealApiServer api;
    private static KubernetesClient admin;
    private static HelmTools tools;
    private static ToolRun install;

    @BeforeAll
    static void installRelease() {
        api = RealApiServer.shared();
        tools = HelmTools.locate(api.writeKubeConfig(tmp.resolve("kubeconfig")));
        admin = api.newClient();
        install = tools.helm("install", RELEASE, HelmTools.chart().toString(), "--namespace", NAMESPACE, "--create-namespace");
    }

    @AfterAll
    static void uninstallRelease() {
        if (tools != null) {
            tools.helm("uninstall", RELEASE, "--namespace", NAMESPACE);
        }
        if (admin != null) {
            admin.resources(Hypervisor.class).withName("helm-node-a").delete();
            admin.resources(Hypervisor.class).withName("helm-node-b").delete();
            admin.close();
        }
    }

    @Test
    void chartLintsClean() {
        ToolRun lint = tools.helm("lint", "--strict", HelmTools.chart().toString());
        assertThat(lint.succeeded()).as(lint.describe()).isTrue();
        assertThat(lint.stdout()).contains("1 chart(s) linted, 0 chart(s) failed");
    }

    @Test
    void twoOperatorsWithoutLeaderElectionAreRefused() {
        ToolRun template = tools.helm("template", "x", HelmTools.chart().toString(), "--set", "operator.leaderElection.enabled=false");
        assertThat(template.succeeded()).as(template.describe()).isFalse();
        assertThat(template.stderr()).contains("operator.replicas > 1 needs operator.leaderElection.enabled=true");
    }

    @Test
    void renderedChartPassesServerSideDryRun() {
        String ns = "cirrus-helm-dry";
        admin.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).serverSideApply();
        String rendered = render("cirrus-dry", ns);

        ToolRun apply = tools.kubectl(rendered, "apply", "--server-side", "--dry-run=server", "--namespace", ns, "-f", "-");

        assertThat(apply.succeeded()).as(apply.describe()).isTrue();
        List<HasMetadata> objects = parse(rendered);
        assertThat(apply.stdout().lines().filter(l -> l.endsWith("serverside-applied (server dry run)")))
                .as(apply.describe()).hasSize(objects.size());
        assertThat(objects).extracting(HasMetadata::getKind).contains("Deployment", "DaemonSet", "ServiceAccount",
                "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Service",
                "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");
    }

    @Test
    void noRbacRuleUsesAWildcard() {
        List<PolicyRule> rules = parse(render(RELEASE, NAMESPACE)).stream().flatMap(o -> o instanceof ClusterRole role
                ? role.getRules().stream()
                : o instanceof Role role ? role.getRules().stream() : Stream.<PolicyRule>empty()).toList();
        assertThat(rules).isNotEmpty();
        assertThat(rules).allSatisfy(rule -> {
            assertThat(rule.getVerbs()).as("verbs of %s", rule).doesNotContain("*");
            assertThat(rule.getResources()).as("resources of %s", rule).doesNotContain("*").isNotEmpty();
            assertThat(rule.getApiGroups()).as("API groups of %s", rule).doesNotContain("*");
        });
    }

    @Test
    void installDeploysTheReleaseAndItsObjects() {
        assertThat(install.succeeded()).as(install.describe()).isTrue();
        ToolRun status = tools.helm("status", RELEASE, "--namespace", NAMESPACE, "-o", "json");
        assertThat(status.succeeded()).as(status.describe()).isTrue();
        assertThat(status.stdout()).contains("\"status\":\"deployed\"");

        Deployment operator = admin.apps().deployments().inNamespace(NAMESPACE).withName(RELEASE + "-operator").get();
        assertThat(operator.getSpec().getReplicas()).isEqualTo(2);
        assertThat(operator.getSpec().getTemplate().getSpec().getContainers().get(0).getReadinessProbe().getHttpGet().getPath())
                .isEqualTo("/q/health/ready");
        assertThat(env(operator.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv(),
                "CIRRUS_OPERATOR_LEADER_ELECTION_NAMESPACE").getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("metadata.namespace");

        DaemonSet daemon = admin.apps().daemonSets().inNamespace(NAMESPACE).withName(RELEASE + "-node-daemon").get();
        var pod = daemon.getSpec().getTemplate().getSpec();
        assertThat(pod.getHostNetwork()).isTrue();
        assertThat(pod.getContainers().get(0).getSecurityContext().getPrivileged()).isTrue();
        assertThat(env(pod.getContainers().get(0).getEnv(), "CIRRUS_NODE_NAME").getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("spec.nodeName");
        assertThat(pod.getVolumes()).extracting(v -> v.getHostPath().getPath())
                .contains("/run/libvirt", "/run/openvswitch", "/var/lib/cirrus", "/var/lib/libvirt/images/cirrus");

        assertThat(admin.services().inNamespace(NAMESPACE).withName(RELEASE + "-operator-metrics").get()).isNotNull();
        assertThat(admin.services().inNamespace(NAMESPACE).withName(RELEASE + "-node-daemon-metrics").get()).isNotNull();
        assertThat(admin.serviceAccounts().inNamespace(NAMESPACE).withName(RELEASE + "-operator").get()).isNotNull();
        assertThat(admin.rbac().clusterRoles().withName(RELEASE + "-node-daemon").get()).isNotNull();
        // Its type-checking status is written by kube-controller-manager, which the test server lacks:
        // the policy's behaviour is checked by the nodeDaemonMayWrite* tests instead.
        assertThat(admin.admissionRegistration().v1().validatingAdmissionPolicies().withName(RELEASE + "-node-daemon-own-node").get())
                .isNotNull();
    }

    @Test
    void serviceAccountsHoldOnlyWhatTheirComponentsDo() {
        assertThat(install.succeeded()).as(install.describe()).isTrue();
        // Operator: reads cluster-wide, writes status and finalizers, gets Secrets by name, one Lease.
        assertThat(can(OPERATOR_SA, "watch", "cirrus.dev", "virtualmachines", "", null, null)).isTrue();
        assertThat(can(OPERATOR_SA, "patch", "cirrus.dev", "virtualmachines", "status", TENANT, null)).isTrue();
        assertThat(can(OPERATOR_SA, "get", "", "secrets", "", TENANT, "user-data")).isTrue();
        assertThat(can(OPERATOR_SA, "list", "", "secrets", "", TENANT, null)).isFalse();
        assertThat(can(OPERATOR_SA, "create", "cirrus.dev", "virtualmachines", "", TENANT, null)).isFalse();
        assertThat(can(OPERATOR_SA, "delete", "cirrus.dev", "virtualmachines", "", TENANT, null)).isFalse();
        assertThat(can(OPERATOR_SA, "create", "coordination.k8s.io", "leases", "", NAMESPACE, null)).isTrue();
        assertThat(can(OPERATOR_SA, "patch", "coordination.k8s.io", "leases", "", NAMESPACE, "cirrus-operator")).isTrue();
        assertThat(can(OPERATOR_SA, "update", "coordination.k8s.io", "leases", "", NAMESPACE, "cirrus-operator")).isTrue();
        assertThat(can(OPERATOR_SA, "update", "coordination.k8s.io", "leases", "", NAMESPACE, "someone-else")).isFalse();
        assertThat(can(OPERATOR_SA, "update", "coordination.k8s.io", "leases", "", TENANT, "cirrus-operator")).isFalse();
        assertThat(can(OPERATOR_SA, "patch", "cirrus.dev", "externalnetworks", "status", null, null)).isTrue();
        // Node daemon: reads, status, its Hypervisor; Secrets only by name (user-data); no deletes,
        // no spec of networks.
        assertThat(can(NODE_DAEMON_SA, "watch", "cirrus.dev", "overlaynetworks", "", null, null)).isTrue();
        assertThat(can(NODE_DAEMON_SA, "create", "cirrus.dev", "hypervisors", "", null, null)).isTrue();
        assertThat(can(NODE_DAEMON_SA, "patch", "cirrus.dev", "hypervisors", "status", null, "n1")).isTrue();
        assertThat(can(NODE_DAEMON_SA, "update", "cirrus.dev", "hypervisors", "", null, "n1")).isFalse();
        assertThat(can(NODE_DAEMON_SA, "delete", "cirrus.dev", "hypervisors", "", null, "n1")).isFalse();
        assertThat(can(NODE_DAEMON_SA, "update", "cirrus.dev", "overlaynetworks", "", TENANT, null)).isFalse();
        assertThat(can(NODE_DAEMON_SA, "delete", "cirrus.dev", "virtualmachines", "", TENANT, null)).isFalse();
        assertThat(can(NODE_DAEMON_SA, "watch", "cirrus.dev", "externalnetworks", "", null, null)).isTrue();
        assertThat(can(NODE_DAEMON_SA, "get", "", "secrets", "", TENANT, "user-data")).isTrue();
        assertThat(can(NODE_DAEMON_SA, "list", "", "secrets", "", TENANT, null)).isFalse();
        assertThat(can(NODE_DAEMON_SA, "update", "cirrus.dev", "externalnetworks", "", null, null)).isFalse();
    }

    @Test
    void nodeDaemonMayWriteOnlyItsOwnHypervisor() {
        assertThat(install.succeeded()).as(install.describe()).isTrue();
        try (KubernetesClient nodeA = nodeDaemon("helm-node-a"); KubernetesClient noNode = nodeDaemon(null)) {
            // The policy takes effect once the API server has loaded it: retry until it denies. Until
            // then a create may succeed, so the probe uses a name nothing else in this test uses.
            await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(() -> nodeA.resource(hypervisor("helm-node-z")).create())
                    .isInstanceOf(KubernetesClientException.class)
                    .hasMessageContaining("may write only Hypervisor helm-node-a, not helm-node-z"));

            nodeA.resource(hypervisor("helm-node-a")).create();
            nodeA.resource(heartbeat("helm-node-a")).subresource("status").patch(apply());
            assertThat(admin.resources(Hypervisor.class).withName("helm-node-a").get().getStatus().lastHeartbeatTime).isNotNull();

            admin.resource(hypervisor("helm-node-b")).serverSideApply();
            assertThatThrownBy(() -> nodeA.resource(heartbeat("helm-node-b")).subresource("status").patch(apply()))
                    .hasMessageContaining("may write only Hypervisor helm-node-a");
            assertThatThrownBy(() -> noNode.resource(hypervisor("helm-node-c")).create())
                    .hasMessageContaining("carries no node");
        }
    }

    @Test
    void nodeDaemonMayWriteOnlyFinalizersAndStatusOfItsNodesVms() {
        assertThat(install.succeeded()).as(install.describe()).isTrue();
        admin.resource(new NamespaceBuilder().withNewMetadata().withName(TENANT).endMetadata().build()).serverSideApply();
        VirtualMachine mine = admin.resource(vm("mine", "helm-node-a")).serverSideApply();
        VirtualMachine other = admin.resource(vm("other", "helm-node-b")).serverSideApply();
        try (KubernetesClient nodeA = nodeDaemon("helm-node-a")) {
            await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(() -> nodeA.resource(withCpu(fresh(mine), 2)).update())
                    .hasMessageContaining("may change only metadata.finalizers and the status"));

            VirtualMachine claimed = fresh(mine);
            claimed.getMetadata().getFinalizers().add(CirrusApi.NODE_CLEANUP_FINALIZER);
            nodeA.resource(claimed).update();
            assertThat(fresh(mine).getMetadata().getFinalizers()).contains(CirrusApi.NODE_CLEANUP_FINALIZER);

            VirtualMachine reported = fresh(mine);
            reported.setStatus(new VirtualMachineStatus());
            reported.getStatus().nodeName = "helm-node-a";
            nodeA.resource(reported).updateStatus();

            VirtualMachine foreign = fresh(other);
            foreign.setStatus(new VirtualMachineStatus());
            assertThatThrownBy(() -> nodeA.resource(foreign).updateStatus())
                    .hasMessageContaining("only VirtualMachines labelled cirrus.dev/node=helm-node-a");
        } finally {
            VirtualMachine release = fresh(mine);
            release.getMetadata().getFinalizers().remove(CirrusApi.NODE_CLEANUP_FINALIZER);
            admin.resource(release).update();
            admin.resource(fresh(mine)).delete();
            admin.resource(fresh(other)).delete();
        }
    }

    private static String render(String release, String namespace) {
        ToolRun template = tools.helm("template", release, HelmTools.chart().toString(), "--namespace", namespace);
        assertThat(template.succeeded()).as(template.describe()).isTrue();
        return template.stdout();
    }

    private static List<HasMetadata> parse(String yaml) {
        return admin.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
    }

    private static EnvVar env(List<EnvVar> env, String name) {
        return env.stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow(() -> new AssertionError("no env " + name));
    }

    private static boolean can(String user, String verb, String group, String resource, String subresource, String namespace,
            String name) {
        String saNamespace = user.split(":")[2];
        SubjectAccessReview review = new SubjectAccessReviewBuilder().withNewSpec()
                .withUser(user).withGroups("system:serviceaccounts", "system:serviceaccounts:" + saNamespace, "system:authenticated")
                .withNewResourceAttributes().withVerb(verb).withGroup(group).withResource(resource)
                .withSubresource(subresource).withNamespace(namespace).withName(name).endResourceAttributes()
                .endSpec().build();
        return admin.authorization().v1().subjectAccessReview().create(review).getStatus().getAllowed();
    }

    /** A client acting as the node daemon's ServiceAccount with a token bound to a pod on {@code node} (null: no node claim). */
    private static KubernetesClient nodeDaemon(String node) {
        Config config = Config.fromKubeconfig(api.kubeConfigYaml());
        config.setImpersonateUsername(NODE_DAEMON_SA);
        config.setImpersonateGroups("system:serviceaccounts", "system:serviceaccounts:" + NAMESPACE, "system:authenticated");
        if (node != null) {
            config.setImpersonateExtras(Map.of(NODE_EXTRA, List.of(node)));
        }
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private static Hypervisor hypervisor(String name) {
        Hypervisor hypervisor = new Hypervisor();
        hypervisor.getMetadata().setName(name);
        return hypervisor;
    }

    private static Hypervisor heartbeat(String name) {
        Hypervisor patch = hypervisor(name);
        patch.setStatus(new HypervisorStatus());
        patch.getStatus().lastHeartbeatTime = "2026-01-01T00:00:00Z";
        return patch;
    }

    private static PatchContext apply() {
        return new PatchContext.Builder().withPatchType(PatchType.SERVER_SIDE_APPLY).withFieldManager("cirrus-node-daemon")
                .withForce(true).build();
    }

    private static VirtualMachine vm(String name, String node) {
        return Serialization.unmarshal("""
                apiVersion: cirrus.dev/v1alpha1
                kind: VirtualMachine
                metadata:
                  name: %s
                  namespace: %s
                  labels: {cirrus.dev/node: %s}
                spec:
                  runStrategy: Halted
                  cpu: 1
                  memory: 256Mi
                  kernelBoot: {kernel: k, initrd: i}
                """.formatted(name, TENANT, node), VirtualMachine.class);
    }

    private static VirtualMachine fresh(VirtualMachine vm) {
        return admin.resources(VirtualMachine.class).inNamespace(TENANT).withName(vm.getMetadata().getName()).get();
    }

    private static VirtualMachine withCpu(VirtualMachine vm, int cpu) {
        vm.getSpec().cpu = cpu;
        return vm;
    }
}
