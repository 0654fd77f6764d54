package dev.cirrus.node.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import dev.cirrus.api.CirrusApi;
import dev.cirrus.api.ConditionTypes;
import dev.cirrus.api.Conditions;
import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.OverlayNetworkSpec;
import dev.cirrus.api.v1alpha1.OverlayNetworkStatus;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineSpec;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus;
import dev.cirrus.api.v1alpha1.VmPhase;
import dev.cirrus.node.compute.DirectKernelBoot;
import dev.cirrus.node.compute.DomainOwner;
import dev.cirrus.node.compute.DomainSpec;
import dev.cirrus.node.compute.DomainType;
import dev.cirrus.node.compute.NicAttachment;
import dev.cirrus.node.network.InterfaceNames;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import org.junit.jupiter.api.Test;

class VmComputePlanTest {
    private static final String UID = "3b0c8f0e-1111-4222-8333-944455556666";

    @Test
    void domainUuidIsStablePerVmAndNicsAreTheDataplaneTaps() {
        VirtualMachine vm = vm();
        assertThat(VmDomainPlan.domainUuid(vm)).isEqualTo(VmDomainPlan.domainUuid(vm())).isNotEqualTo(UID);
        DomainSpec spec = VmDomainPlan.domain(vm, DomainType.QEMU, Path.of("/v/" + UID), null,
                new DirectKernelBoot(Path.of("/c/k"), null, "console=ttyS0"), "n1", "r1", false);
        assertThat(spec.memoryMib()).isEqualTo(256);
        assertThat(spec.owner().managedBy("n1")).isTrue();
        assertThat(spec.owner().restart()).isEqualTo("r1");
        assertThat(spec.nics()).singleElement().satisfies(n -> {
            assertThat(n.attachment()).isEqualTo(NicAttachment.ETHERNET_TAP);
            assertThat(n.tap()).isEqualTo(InterfaceNames.tap(UID, "eth0"));
            assertThat(n.mac()).isEqualTo("0e:00:00:00:7e:20");
            assertThat(n.offloadsOff()).isFalse();
        });
    }

    @Test
    void onAUserspaceSwitchNicsOffloadNothing() {
        DomainSpec spec = VmDomainPlan.domain(vm(), DomainType.QEMU, Path.of("/v/" + UID), null,
                new DirectKernelBoot(Path.of("/c/k"), null, "console=ttyS0"), "n1", null, true);
        assertThat(spec.nics()).singleElement().satisfies(n -> assertThat(n.offloadsOff()).isTrue());
    }

    @Test
    void seedUsesUidAsInstanceIdAndTheNetworksPrefixAndGateway() {
        OverlayNetwork net = new OverlayNetwork();
        net.setSpec(new OverlayNetworkSpec());
        net.getSpec().cidr = "10.126.0.0/24";
        net.setStatus(new OverlayNetworkStatus());
        net.getStatus().gateway = "10.126.0.1";
        var seed = VmDomainPlan.seed(vm(), Map.of("ns/net", net), "#cloud-config\n");
        assertThat(seed.userData()).isEqualTo("#cloud-config\n");
        assertThat(seed.instanceId()).isEqualTo(UID);
        assertThat(seed.hostname()).isEqualTo("vm1");
        assertThat(seed.interfaces()).singleElement().satisfies(i -> {
            assertThat(i.ip()).isEqualTo("10.126.0.20");
            assertThat(i.prefixLength()).isEqualTo(24);
            assertThat(i.gateway()).isEqualTo("10.126.0.1");
        });
    }

    @Test
    void readyNeedsBothDomainRunningAndNetworkReady() {
        VirtualMachineStatus status = new VirtualMachineStatus();
        VmComputeStatus.apply(status, new VmCompute(true, VmCompute.FETCHED, "ok", true, "running", VmPhase.Running, "u", true, "/c.log"), 1, Instant.now());
        assertThat(Conditions.isTrue(status.conditions, ConditionTypes.READY)).isFalse();
        assertThat(status.bootTime).isNotNull();
        status.conditions = Conditions.set(status.conditions, ConditionTypes.NETWORK_READY, true, "Programmed", "", 1);
        VmComputeStatus.apply(status, new VmCompute(true, VmCompute.FETCHED, "ok", true, "running", VmPhase.Running, "u", false, "/c.log"), 1, Instant.now());
        assertThat(Conditions.isTrue(status.conditions, ConditionTypes.READY)).isTrue();
        VmComputeStatus.apply(status, VmCompute.imageFailed("ChecksumMismatch", "image k: checksum mismatch"), 1, Instant.now());
        assertThat(Conditions.isTrue(status.conditions, ConditionTypes.IMAGE_READY)).isFalse();
        assertThat(Conditions.isTrue(status.conditions, ConditionTypes.READY)).isFalse();
        assertThat(status.phase).isEqualTo(VmPhase.Pending);
    }

    @Test
    void aRestartIsPendingOnlyForANewValueOnAnExistingDomain() {
        DomainOwner answered = new DomainOwner(UID, "ns", "vm1", 1, "n1", "r1");
        DomainOwner never = new DomainOwner(UID, "ns", "vm1", 1, "n1", null);
        assertThat(VmDomainPlan.restartPending(null, Optional.of(answered))).isFalse();
        assertThat(VmDomainPlan.restartPending("r1", Optional.of(answered))).isFalse();
        assertThat(VmDomainPlan.restartPending("r2", Optional.of(answered))).isTrue();
        assertThat(VmDomainPlan.restartPending("r1", Optional.of(never))).isTrue();
        assertThat(VmDomainPlan.restartPending("r1", Optional.empty())).as("nothing to restart").isFalse();

        VirtualMachine vm = vm();
        assertThat(VmDomainPlan.restartRequest(vm)).isNull();
        vm.getMetadata().setAnnotations(Map.of(CirrusApi.RESTART_ANNOTATION, "r2"));
        assertThat(VmDomainPlan.restartRequest(vm)).isEqualTo("r2");
    }

    @Test
    void userDataComesInlineOrFromTheReferencedSecretKey() {
        VirtualMachine vm = vm();
        assertThat(VmDomainPlan.userData(vm, null)).isNull();
        vm.getSpec().cloudInit = new VirtualMachineSpec.CloudInit();
        vm.getSpec().cloudInit.userData = "#cloud-config\n";
        assertThat(VmDomainPlan.userData(vm, null)).isEqualTo("#cloud-config\n");

        vm.getSpec().cloudInit.userData = null;
        vm.getSpec().cloudInit.userDataSecretRef = new VirtualMachineSpec.SecretKeyRef();
        vm.getSpec().cloudInit.userDataSecretRef.name = "ud";
        Secret secret = new SecretBuilder().withNewMetadata().withName("ud").endMetadata()
                .addToData("userdata", Base64.getEncoder().encodeToString("#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8)))
                .addToData("other", Base64.getEncoder().encodeToString("x".getBytes(StandardCharsets.UTF_8)))
                .build();
        assertThat(VmDomainPlan.userData(vm, secret)).isEqualTo("#!/bin/sh\necho hi\n");
        vm.getSpec().cloudInit.userDataSecretRef.key = "other";
        assertThat(VmDomainPlan.userData(vm, secret)).isEqualTo("x");

        vm.getSpec().cloudInit.userDataSecretRef.key = "missing";
        assertThatThrownBy(() -> VmDomainPlan.userData(vm, secret)).hasMessage("user-data Secret ud has no key missing");
        assertThatThrownBy(() -> VmDomainPlan.userData(vm, null)).hasMessage("user-data Secret ud not found");
    }

    private static VirtualMachine vm() {
        VirtualMachine vm = new VirtualMachine();
        vm.setMetadata(new ObjectMetaBuilder().withName("vm1").withNamespace("ns").withUid(UID).withGeneration(1L).build());
        vm.setSpec(new VirtualMachineSpec());
        vm.getSpec().memory = "256Mi";
        vm.setStatus(new VirtualMachineStatus());
        VirtualMachineStatus.InterfaceStatus nic = new VirtualMachineStatus.InterfaceStatus();
        nic.name = "eth0";
        nic.network = "net";
        nic.ip = "10.126.0.20";
        nic.mac = "0e:00:00:00:7e:20";
        vm.getStatus().interfaces = List.of(nic);
        return vm;
    }
}
