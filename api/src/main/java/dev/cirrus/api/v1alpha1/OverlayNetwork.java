package dev.cirrus.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A tenant's L2 overlay (one namespace = one tenant, CIDRs may overlap across tenants). */
@Group("cirrus.dev")
@Version("v1alpha1")
@Plural("overlaynetworks")
@ShortNames("onet")
@AdditionalPrinterColumn(name = "CIDR", jsonPath = ".spec.cidr", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Gateway", jsonPath = ".status.gateway", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "VNI", jsonPath = ".status.vni", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Encap", jsonPath = ".spec.encapsulation", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Nodes", jsonPath = ".status.readyNodes", type = AdditionalPrinterColumn.Type.INTEGER, priority = 1)
@AdditionalPrinterColumn(name = "VMs", jsonPath = ".status.attachedVMs", type = AdditionalPrinterColumn.Type.INTEGER, priority = 1)
public class OverlayNetwork extends CustomResource<OverlayNetworkSpec, OverlayNetworkStatus> implements Namespaced {
}
