package dev.cirrus.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One per node, registered and heart-beaten by that node's daemon (cluster-scoped). */
@Group("cirrus.dev")
@Version("v1alpha1")
@Plural("hypervisors")
@ShortNames("hv")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Underlay", jsonPath = ".status.underlayIP", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Backend", jsonPath = ".status.backend", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "CPU", jsonPath = ".status.allocatable.cpu", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Memory", jsonPath = ".status.allocatable.memory", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "VMs", jsonPath = ".status.vms", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Datapath", jsonPath = ".status.datapath", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Heartbeat", jsonPath = ".status.lastHeartbeatTime", type = AdditionalPrinterColumn.Type.DATE, priority = 1)
public class Hypervisor extends CustomResource<HypervisorSpec, HypervisorStatus> {
}
