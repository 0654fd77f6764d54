package dev.cirrus.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

// Cross-field rules guard each CIDR call with isCIDR/isIP so that a bad cidr reports one clear
// message (from the field's own rule) instead of a CEL evaluation error here.
@ValidationRule(value = "!has(self.gateway) || !isCIDR(self.cidr) || !isIP(self.gateway) || cidr(self.cidr).containsIP(self.gateway)",
        message = "gateway must be inside cidr", fieldPath = ".gateway", reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.dhcp) || !has(self.dhcp.rangeStart) || !isCIDR(self.cidr) || !isIP(self.dhcp.rangeStart) || cidr(self.cidr).containsIP(self.dhcp.rangeStart)",
        message = "dhcp.rangeStart must be inside cidr", fieldPath = ".dhcp.rangeStart", reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.dhcp) || !has(self.dhcp.rangeEnd) || !isCIDR(self.cidr) || !isIP(self.dhcp.rangeEnd) || cidr(self.cidr).containsIP(self.dhcp.rangeEnd)",
        message = "dhcp.rangeEnd must be inside cidr", fieldPath = ".dhcp.rangeEnd", reason = "FieldValueInvalid")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OverlayNetworkSpec {
    @Required
    @Size(max = 18)
    @ValidationRule(value = "isCIDR(self) && cidr(self).ip().family() == 4",
            message = "cidr must be an IPv4 CIDR such as 192.168.88.0/24")
    @ValidationRule(value = "!isCIDR(self) || cidr(self).prefixLength() >= 8 && cidr(self).prefixLength() <= 30",
            message = "cidr prefix length must be between /8 and /30")
    @ValidationRule(value = "!isCIDR(self) || cidr(self).masked() == cidr(self)",
            message = "cidr must be the network address (host bits zero), e.g. 192.168.88.0/24")
    @ValidationRule(value = "self == oldSelf", message = "cidr is immutable: create a new network instead")
    @JsonPropertyDescription("IPv4 subnet of the network, e.g. 192.168.88.0/24. Immutable.")
    public String cidr;

    @Size(max = 15)
    @ValidationRule(value = "isIP(self) && ip(self).family() == 4", message = "gateway must be an IPv4 address")
    @JsonPropertyDescription("Gateway address answered on every node; defaults to the first host of cidr.")
    public String gateway;

    @JsonPropertyDescription("DHCP service for the network (on by default).")
    public Dhcp dhcp;

    @JsonPropertyDescription("DNS settings handed to VMs.")
    public Dns dns;

    @Default("geneve")
    @ValidationRule(value = "self == oldSelf", message = "encapsulation is immutable")
    @JsonPropertyDescription("Tunnel encapsulation between nodes: geneve (default) or vxlan. Immutable.")
    public Encapsulation encapsulation;

    @Min(576)
    @Max(9000)
    @JsonPropertyDescription("MTU of VM interfaces; defaults to the underlay MTU minus the encapsulation overhead.")
    public Integer mtu;

    @JsonPropertyDescription("Connects the network to an ExternalNetwork through its distributed router (SNAT, floating IPs, port forwards).")
    public Router router;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Router {
        @Required
        @Size(min = 1, max = 253)
        @JsonPropertyDescription("Name of the (cluster-scoped) ExternalNetwork.")
        public String externalNetwork;

        @Default("true")
        @JsonPropertyDescription("Source-NAT the network's outbound traffic to the node's external address (default true).")
        public Boolean snat;
    }

    @ValidationRule(value = "!has(self.rangeStart) == !has(self.rangeEnd)",
            message = "dhcp.rangeStart and dhcp.rangeEnd must be given together")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Dhcp {
        @Default("true")
        public Boolean enabled;

        @Size(max = 15)
        @ValidationRule(value = "isIP(self) && ip(self).family() == 4", message = "dhcp.rangeStart must be an IPv4 address")
        @JsonPropertyDescription("First address handed out dynamically (optional; default: the whole subnet).")
        public String rangeStart;

        @Size(max = 15)
        @ValidationRule(value = "isIP(self) && ip(self).family() == 4", message = "dhcp.rangeEnd must be an IPv4 address")
        public String rangeEnd;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Dns {
        @Size(max = 3)
        @JsonPropertyDescription("Up to 3 DNS server IPv4 addresses.")
        @ValidationRule(value = "self.all(s, isIP(s) && ip(s).family() == 4)",
                message = "dns.servers must be IPv4 addresses")
        public java.util.List<@Size(max = 15) String> servers;

        @Size(max = 253)
        @ValidationRule(value = "self.matches('^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(\\\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$')",
                message = "dns.searchDomain must be a lowercase DNS domain such as green.cirrus.internal")
        public String searchDomain;
    }
}
