package dev.cirrus.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The provider network outside the overlays (cluster-scoped, as seed 003's br-ex): where SNAT
 * traffic leaves and from which floating and forwarding addresses are handed out.
 */
@Group("cirrus.dev")
@Version("v1alpha1")
@Plural("externalnetworks")
@ShortNames("enet")
@AdditionalPrinterColumn(name = "CIDR", jsonPath = ".spec.cidr", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Gateway", jsonPath = ".spec.gateway", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Uplink", jsonPath = ".spec.uplink.bridge", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Free", jsonPath = ".status.freeAddresses", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class ExternalNetwork extends CustomResource<ExternalNetworkSpec, ExternalNetworkStatus> {
}
