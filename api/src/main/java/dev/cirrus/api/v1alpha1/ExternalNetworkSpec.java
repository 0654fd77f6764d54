package dev.cirrus.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@ValidationRule(value = "!isCIDR(self.cidr) || !isIP(self.gateway) || cidr(self.cidr).containsIP(self.gateway)",
        message = "gateway must be inside cidr", fieldPath = ".gateway", reason = "FieldValueInvalid")
@ValidationRule(value = "!isCIDR(self.cidr) || !isIP(self.allocationRange.start) || cidr(self.cidr).containsIP(self.allocationRange.start)",
        message = "allocationRange.start must be inside cidr", fieldPath = ".allocationRange.start", reason = "FieldValueInvalid")
@ValidationRule(value = "!isCIDR(self.cidr) || !isIP(self.allocationRange.end) || cidr(self.cidr).containsIP(self.allocationRange.end)",
        message = "allocationRange.end must be inside cidr", fieldPath = ".allocationRange.end", reason = "FieldValueInvalid")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ExternalNetworkSpec {
    @Required
    @JsonPropertyDescription("How each node reaches the external network.")
    public Uplink uplink;

    @Required
    @Size(max = 18)
    @ValidationRule(value = "isCIDR(self) && cidr(self).ip().family() == 4",
            message = "cidr must be an IPv4 CIDR such as 203.0.113.0/24")
    @ValidationRule(value = "!isCIDR(self) || cidr(self).masked() == cidr(self)",
            message = "cidr must be the network address (host bits zero)")
    @ValidationRule(value = "self == oldSelf", message = "cidr is immutable")
    @JsonPropertyDescription("IPv4 subnet of the external network. Immutable.")
    public String cidr;

    @Required
    @Size(max = 15)
    @ValidationRule(value = "isIP(self) && ip(self).family() == 4", message = "gateway must be an IPv4 address")
    @JsonPropertyDescription("Next hop for traffic leaving the cloud (the upstream router on the external network).")
    public String gateway;

    @Required
    @JsonPropertyDescription("Addresses Cirrus may hand out: one per node (SNAT source), floating IPs and forwarding addresses.")
    public AddressRange allocationRange;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Uplink {
        @Required
        @Size(min = 1, max = 15)
        @ValidationRule(value = "self.matches('^[a-zA-Z0-9][-a-zA-Z0-9_.]*$')",
                message = "uplink.bridge must be a Linux interface name")
        @JsonPropertyDescription("Linux bridge on every node that carries the external network (created by the node set-up, not by Cirrus).")
        public String bridge;
    }

    // CEL has no ordering of IP addresses: the operator reports start > end in a condition.
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class AddressRange {
        @Required
        @Size(max = 15)
        @ValidationRule(value = "isIP(self) && ip(self).family() == 4", message = "allocationRange.start must be an IPv4 address")
        public String start;

        @Required
        @Size(max = 15)
        @ValidationRule(value = "isIP(self) && ip(self).family() == 4", message = "allocationRange.end must be an IPv4 address")
        public String end;
    }
}
