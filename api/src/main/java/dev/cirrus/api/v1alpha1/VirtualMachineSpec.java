package dev.cirrus.api.v1alpha1;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@ValidationRule(value = "has(self.rootDisk) || has(self.kernelBoot)",
        message = "a VM needs a rootDisk or a kernelBoot (or both)")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VirtualMachineSpec {
    @Default("Always")
    @JsonPropertyDescription("Always, RerunOnFailure, Manual (follows spec.running) or Halted.")
    public RunStrategy runStrategy;

    @JsonPropertyDescription("Requested state under runStrategy Manual: true to run, false to stop.")
    public Boolean running;

    @Default("1")
    @Min(1)
    @Max(64)
    @JsonPropertyDescription("Virtual CPUs (1-64).")
    public Integer cpu;

    @Default("512Mi")
    @Size(max = 16)
    @ValidationRule(value = "isQuantity(self)", message = "memory must be a quantity such as 512Mi or 2Gi")
    @ValidationRule(value = "!isQuantity(self) || quantity(self).compareTo(quantity('64Mi')) >= 0 && quantity(self).compareTo(quantity('1Ti')) <= 0",
            message = "memory must be between 64Mi and 1Ti")
    @JsonPropertyDescription("Guest memory, 64Mi to 1Ti.")
    public String memory;

    @JsonPropertyDescription("Boot disk: a copy-on-write overlay on an Image.")
    public RootDisk rootDisk;

    @Size(max = 8)
    @ValidationRule(value = "self.all(d, self.exists_one(e, e.name == d.name))", message = "dataDisks names must be unique")
    @JsonPropertyDescription("Extra empty disks, created with the VM and removed with it.")
    public List<DataDisk> dataDisks;

    @JsonPropertyDescription("Direct kernel boot from kernel/initrd Images.")
    public KernelBoot kernelBoot;

    @Size(max = 8)
    @ValidationRule(value = "self.all(i, self.exists_one(j, j.name == i.name))", message = "interfaces names must be unique")
    @ValidationRule(value = "self.all(i, !has(i.mac) || self.exists_one(j, has(j.mac) && j.mac.lowerAscii() == i.mac.lowerAscii()))",
            message = "interfaces MAC addresses must be unique")
    @JsonPropertyDescription("Network interfaces, in guest order.")
    public List<NetworkInterface> interfaces;

    @JsonPropertyDescription("cloud-init NoCloud data.")
    public CloudInit cloudInit;

    @Size(max = 16)
    @JsonPropertyDescription("The VM runs only on a node whose Hypervisor has all these labels.")
    public Map<String, String> nodeSelector;

    @JsonPropertyDescription("Placement relative to other VMs of the same namespace.")
    public Affinity affinity;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class RootDisk {
        @io.fabric8.generator.annotation.Required
        @Size(min = 1, max = 253)
        @ValidationRule(value = "self == oldSelf", message = "rootDisk.image is immutable")
        @JsonPropertyDescription("Name of an Image (format qcow2 or raw) in the VM's namespace. Immutable.")
        public String image;

        @Size(max = 16)
        @ValidationRule(value = "isQuantity(self) && quantity(self).isGreaterThan(quantity('0'))",
                message = "rootDisk.size must be a positive quantity such as 10Gi")
        @JsonPropertyDescription("Grow the disk to this size (default: the image's virtual size).")
        public String size;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class DataDisk {
        @io.fabric8.generator.annotation.Required
        @Size(min = 1, max = 63)
        @ValidationRule(value = "self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",
                message = "dataDisks name must be a DNS label (lowercase letters, digits, '-')")
        public String name;

        @io.fabric8.generator.annotation.Required
        @Size(max = 16)
        @ValidationRule(value = "isQuantity(self) && quantity(self).isGreaterThan(quantity('0'))",
                message = "dataDisks size must be a positive quantity such as 1Gi")
        public String size;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class KernelBoot {
        @io.fabric8.generator.annotation.Required
        @Size(min = 1, max = 253)
        @JsonPropertyDescription("Name of an Image with format kernel.")
        public String kernel;

        @Size(min = 1, max = 253)
        @JsonPropertyDescription("Name of an Image with format initrd.")
        public String initrd;

        @Size(max = 2048)
        @JsonPropertyDescription("Kernel command line.")
        public String cmdline;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class NetworkInterface {
        @io.fabric8.generator.annotation.Required
        @Size(min = 1, max = 15)
        @ValidationRule(value = "self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",
                message = "interface name must be a DNS label of at most 15 characters")
        public String name;

        @io.fabric8.generator.annotation.Required
        @Size(min = 1, max = 253)
        @JsonPropertyDescription("Name of an OverlayNetwork in the VM's namespace.")
        public String network;

        @Size(max = 15)
        @ValidationRule(value = "isIP(self) && ip(self).family() == 4", message = "ip must be an IPv4 address")
        @JsonPropertyDescription("Static IPv4 address inside the network's cidr (default: allocated).")
        public String ip;

        @Size(max = 17)
        @ValidationRule(value = "self.matches('^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$')",
                message = "mac must look like 52:54:00:12:34:56")
        @ValidationRule(value = "!self.matches('^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$') || self.matches('^[0-9a-fA-F][02468aceACE]:.*$')",
                message = "mac must be a unicast address (least significant bit of the first octet clear)")
        @JsonPropertyDescription("Fixed MAC address (default: a stable locally-administered one).")
        public String mac;

        @JsonPropertyDescription("1:1 NAT address on the network's ExternalNetwork; inbound traffic only as the firewall rules allow. Needs spec.router on the network.")
        public FloatingIp floatingIP;

        @Size(max = 32)
        @ValidationRule(value = "self.all(f, self.exists_one(g, g.protocol == f.protocol && g.port == f.port))",
                message = "portForwards must not repeat a protocol and port")
        @JsonPropertyDescription("External port → VM port, on the interface's external address (its floating IP, else an address allocated for the forwards).")
        public List<PortForward> portForwards;

        @Size(max = 64)
        @JsonPropertyDescription("Ingress rules for traffic arriving through the floating IP; without rules nothing is let in.")
        public List<FirewallRule> firewall;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class FloatingIp {
        @Size(max = 15)
        @ValidationRule(value = "isIP(self) && ip(self).family() == 4", message = "floatingIP.address must be an IPv4 address")
        @JsonPropertyDescription("Requested address inside the ExternalNetwork's allocationRange (default: allocated).")
        public String address;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class PortForward {
        @Default("TCP")
        @JsonPropertyDescription("TCP or UDP.")
        public TransportProtocol protocol;

        @io.fabric8.generator.annotation.Required
        @Min(1)
        @Max(65535)
        @JsonPropertyDescription("Port on the external address.")
        public Integer port;

        @io.fabric8.generator.annotation.Required
        @Min(1)
        @Max(65535)
        @JsonPropertyDescription("Port on the VM.")
        public Integer targetPort;

        @Size(max = 18)
        @ValidationRule(value = "isCIDR(self) && cidr(self).ip().family() == 4", message = "source must be an IPv4 CIDR")
        @JsonPropertyDescription("Only from this source CIDR (default: anywhere).")
        public String source;
    }

    @ValidationRule(value = "!has(self.portFrom) || self.protocol == 'TCP' || self.protocol == 'UDP'",
            message = "firewall ports apply to TCP and UDP only")
    @ValidationRule(value = "!has(self.portTo) || has(self.portFrom) && self.portFrom <= self.portTo",
            message = "firewall portTo needs portFrom and must not be below it")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class FirewallRule {
        @io.fabric8.generator.annotation.Required
        @JsonPropertyDescription("TCP, UDP, ICMP or Any.")
        public FirewallProtocol protocol;

        @Min(1)
        @Max(65535)
        @JsonPropertyDescription("First port (TCP/UDP; default: all ports).")
        public Integer portFrom;

        @Min(1)
        @Max(65535)
        @JsonPropertyDescription("Last port (default: portFrom).")
        public Integer portTo;

        @Default("0.0.0.0/0")
        @Size(max = 18)
        @ValidationRule(value = "isCIDR(self) && cidr(self).ip().family() == 4", message = "source must be an IPv4 CIDR")
        @JsonPropertyDescription("Allowed source CIDR (default: anywhere).")
        public String source;
    }

    @ValidationRule(value = "!(has(self.userData) && has(self.userDataSecretRef))",
            message = "cloudInit: give userData or userDataSecretRef, not both")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class CloudInit {
        @Size(min = 1, max = 63)
        @ValidationRule(value = "self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",
                message = "hostname must be a DNS label (lowercase letters, digits, '-')")
        @JsonPropertyDescription("Guest hostname (default: the VM name).")
        public String hostname;

        @Size(max = 32)
        public List<@Size(max = 8192) String> sshAuthorizedKeys;

        @Size(max = 65536)
        @JsonPropertyDescription("Inline cloud-init user-data.")
        public String userData;

        @JsonPropertyDescription("user-data read from a Secret in the VM's namespace.")
        public SecretKeyRef userDataSecretRef;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class SecretKeyRef {
        @io.fabric8.generator.annotation.Required
        @Size(min = 1, max = 253)
        public String name;

        @Default("userdata")
        @Size(min = 1, max = 253)
        public String key;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Affinity {
        @Size(max = 8)
        @JsonPropertyDescription("Run on a node that already runs a VM matching each term.")
        public List<VmSelectorTerm> vmAffinity;

        @Size(max = 8)
        @JsonPropertyDescription("Never share a node with a VM matching any term.")
        public List<VmSelectorTerm> vmAntiAffinity;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class VmSelectorTerm {
        @io.fabric8.generator.annotation.Required
        @Size(min = 1, max = 16)
        public Map<String, String> matchLabels;
    }
}
