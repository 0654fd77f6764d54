package dev.cirrus.node.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Path;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

class DomainXmlRendererTest {
    private static final DomainOwner OWNER = new DomainOwner("0b5c1e7e-5c3a-4b8e-9d0f-2a6f1c9e4b11", "green", "web", 3);
    private final DomainXmlRenderer renderer = new DomainXmlRenderer();

    static DomainSpec kernelBootWithTapAndSeed() {
        return DomainSpec.builder()
                .name("green_web").uuid("6f1c2b9a-3d4e-4f5a-8b7c-9d0e1f2a3b4c").owner(OWNER)
                .type(DomainType.QEMU).vcpus(1).memoryMib(256)
                .kernelBoot(new DirectKernelBoot(Path.of("/var/lib/cirrus/images/3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b"),
                        Path.of("/var/lib/cirrus/images/ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"),
                        "console=ttyS0 quiet"))
                .seedIso(Path.of("/var/lib/cirrus/vms/0b5c1e7e/seed.iso"))
                .nic(DomainNic.ethernetTap("tap0b5c1e7e-0", "52:54:00:12:34:56", 1450, false))
                .consoleLog(Path.of("/var/log/cirrus/vms/0b5c1e7e/console.log"))
                .build();
    }

    static DomainSpec rootDiskDataDisksAndOvsVlan() {
        return DomainSpec.builder()
                .name("blue_db").uuid("1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6")
                .owner(new DomainOwner("4d3c2b1a-0f9e-4d8c-b7a6-95847362514f", "blue", "db", 12))
                .type(DomainType.KVM).vcpus(4).memoryMib(4096)
                .rootDisk(Path.of("/var/lib/cirrus/vms/4d3c2b1a/root.qcow2"))
                .dataDisk(Path.of("/var/lib/cirrus/vms/4d3c2b1a/data-logs.qcow2"))
                .dataDisk(Path.of("/var/lib/cirrus/vms/4d3c2b1a/data-pg.qcow2"))
                .seedIso(Path.of("/var/lib/cirrus/vms/4d3c2b1a/seed.iso"))
                .nic(DomainNic.ovsBridge("tap4d3c2b1a-0", "52:54:00:AB:CD:EF", 1450, "br-int", 42, true))
                .consoleLog(Path.of("/var/log/cirrus/vms/4d3c2b1a/console.log"))
                .build();
    }

    static DomainSpec rootDiskOnLinuxBridge() {
        return DomainSpec.builder()
                .name("green_cache").uuid("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d")
                .owner(new DomainOwner("77777777-8888-4999-8aaa-bbbbbbbbbbbb", "green", "cache", 1))
                .type(DomainType.QEMU).vcpus(2).memoryMib(1024)
                .rootDisk(Path.of("/var/lib/cirrus/vms/77777777/root.qcow2"))
                .nic(DomainNic.linuxBridge("tap77777777-0", "52:54:00:00:00:01", null, "cbr-1001"))
                .nic(DomainNic.linuxBridge("tap77777777-1", "52:54:00:00:00:02", 9000, "cbr-1002"))
                .consoleLog(Path.of("/var/log/cirrus/vms/77777777/console.log"))
                .build();
    }

    static DomainSpec hostileNames() {
        return DomainSpec.builder()
                .name("a&b<c>\"d'e").uuid("00000000-0000-4000-8000-000000000001")
                .owner(new DomainOwner("uid&<>\"'", "ns&<x>", "vm\"'name", 7))
                .type(DomainType.QEMU).vcpus(1).memoryMib(128)
                .rootDisk(Path.of("/srv/images & co/<root>.qcow2"))
                .kernelBoot(new DirectKernelBoot(Path.of("/boot/vmlinuz"), null,
                        "console=ttyS0 init=/bin/sh -c \"echo a&&b >/dev/null <x\" name='q'\ttab"))
                .nic(DomainNic.ethernetTap("tap&x", "52:54:00:00:00:03", null, false))
                .consoleLog(Path.of("/var/log/it's \"here\".log"))
                .build();
    }

    @Test
    void kernelBootWithATapNicAndASeed() {
        GoldenFile.assertMatches("domain/kernel-boot-tap-seed.xml", renderer.render(kernelBootWithTapAndSeed()));
    }

    @Test
    void rootDiskTwoDataDisksAndAnOvsNicWithVlanTagAndOffloadsOff() {
        GoldenFile.assertMatches("domain/root-disk-data-disks-ovs-vlan.xml", renderer.render(rootDiskDataDisksAndOvsVlan()));
    }

    @Test
    void rootDiskWithTwoLinuxBridgeNics() {
        GoldenFile.assertMatches("domain/root-disk-linux-bridge.xml", renderer.render(rootDiskOnLinuxBridge()));
    }

    @Test
    void markupInNamesPathsAndCmdlineIsEscaped() {
        GoldenFile.assertMatches("domain/escaping.xml", renderer.render(hostileNames()));
    }

    @Test
    void escapedValuesSurviveAParserUnchanged() throws Exception {
        DomainSpec spec = hostileNames();
        Document xml = parse(renderer.render(spec));

        assertThat(xpath(xml, "/domain/name")).isEqualTo(spec.name());
        assertThat(xpath(xml, "/domain/os/cmdline")).isEqualTo(spec.kernelBoot().cmdline());
        assertThat(xpath(xml, "/domain/devices/disk/source/@file")).isEqualTo(spec.rootDisk().toString());
        assertThat(xpath(xml, "/domain/devices/serial/source/@path")).isEqualTo(spec.consoleLog().toString());
        assertThat(xpath(xml, "/domain/devices/interface/target/@dev")).isEqualTo("tap&x");
        assertThat(DomainMetadata.readOwner(renderer.render(spec))).contains(spec.owner());
    }

    @Test
    void managingNodeAndAnsweredRestartRoundTripThroughTheMetadata() {
        DomainOwner owner = new DomainOwner("u1", "green", "web", 4, "node-a", "2026-11-27T04:00:00Z&<x>");
        DomainSpec spec = DomainSpec.builder().name("vm").uuid("00000000-0000-4000-8000-000000000003")
                .owner(owner).type(DomainType.QEMU).memoryMib(64)
                .kernelBoot(new DirectKernelBoot(Path.of("/k"), null, "console=ttyS0"))
                .consoleLog(Path.of("/log")).build();

        assertThat(DomainMetadata.readOwner(renderer.render(spec))).contains(owner);
        assertThat(owner.managedBy("node-a")).isTrue();
        assertThat(owner.managedBy("node-b")).isFalse();
        assertThat(OWNER.managedBy("node-a")).as("no node recorded: managed by nobody, never collected").isFalse();
    }

    @Test
    void controlCharactersAreRefusedWithTheOffendingValue() {
        DomainSpec spec = DomainSpec.builder().name("vm").uuid("00000000-0000-4000-8000-000000000002")
                .owner(OWNER).type(DomainType.QEMU).memoryMib(64)
                .kernelBoot(new DirectKernelBoot(Path.of("/k"), null, "console=ttyS0\u0001"))
                .consoleLog(Path.of("/log")).build();

        assertThatThrownBy(() -> renderer.render(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("character U+0001 cannot appear in XML (in \"console=ttyS0\\u0001\")");
    }

    @Test
    void everyRenderingIsWellFormedAndNamesItsOwnerInTheCirrusNamespace() throws Exception {
        for (DomainSpec spec : new DomainSpec[] {kernelBootWithTapAndSeed(), rootDiskDataDisksAndOvsVlan(),
                rootDiskOnLinuxBridge(), hostileNames()}) {
            String xml = renderer.render(spec);
            Document document = parse(xml);

            NodeList owners = document.getElementsByTagNameNS("https://cirrus.dev/xmlns/domain/v1alpha1", "owner");
            assertThat(owners.getLength()).isEqualTo(1);
            assertThat(owners.item(0).getParentNode().getNodeName()).isEqualTo("metadata");
            assertThat(DomainMetadata.readOwner(xml)).contains(spec.owner());
            assertThat(xpath(document, "/domain/devices/graphics/@type")).isEqualTo("vnc");
            assertThat(xpath(document, "/domain/devices/graphics/@listen")).isEqualTo("127.0.0.1");
            assertThat(xpath(document, "/domain/on_poweroff")).isEqualTo("destroy");
            assertThat(xpath(document, "/domain/on_reboot")).isEqualTo("restart");
            assertThat(xpath(document, "/domain/on_crash")).isEqualTo("destroy");
            assertThat(xpath(document, "/domain/uuid")).isEqualTo(spec.uuid());
        }
    }

    @Test
    void onlyTheFirmwareBootedRootDiskGetsABootOrderAndTheSeedNeverDoes() throws Exception {
        Document diskBoot = parse(renderer.render(rootDiskDataDisksAndOvsVlan()));
        assertThat(xpath(diskBoot, "count(//boot)")).isEqualTo("1");
        assertThat(xpath(diskBoot, "//disk[boot]/target/@dev")).isEqualTo("vda");
        assertThat(xpath(diskBoot, "//disk[@device='cdrom']/target/@dev")).isEqualTo("hdc");

        Document kernelBoot = parse(renderer.render(hostileNames()));
        assertThat(xpath(kernelBoot, "count(//boot)")).isEqualTo("0");
    }

    @Test
    void virtioDisksAreNamedLikeTheKernelNamesThem() {
        assertThat(DomainXmlRenderer.virtioDiskName(0)).isEqualTo("vda");
        assertThat(DomainXmlRenderer.virtioDiskName(25)).isEqualTo("vdz");
        assertThat(DomainXmlRenderer.virtioDiskName(26)).isEqualTo("vdaa");
        assertThat(DomainXmlRenderer.virtioDiskName(27)).isEqualTo("vdab");
        assertThat(DomainXmlRenderer.virtioDiskName(701)).isEqualTo("vdzz");
        assertThat(DomainXmlRenderer.virtioDiskName(702)).isEqualTo("vdaaa");
    }

    @Test
    void aDomainWithoutNicsOrSeedHasNeitherElement() throws Exception {
        DomainSpec spec = DomainSpec.builder().name("bare").uuid("00000000-0000-4000-8000-000000000003")
                .owner(OWNER).type(DomainType.QEMU).memoryMib(64).rootDisk(Path.of("/r.qcow2"))
                .consoleLog(Path.of("/log")).build();
        Document xml = parse(renderer.render(spec));

        assertThat(xpath(xml, "count(//interface)")).isEqualTo("0");
        assertThat(xpath(xml, "count(//disk)")).isEqualTo("1");
    }

    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
    }

    static String xpath(Document document, String expression) throws Exception {
        return (String) XPathFactory.newInstance().newXPath().evaluate(expression, document, XPathConstants.STRING);
    }
}
