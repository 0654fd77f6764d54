package dev.cirrus.node.compute;

import java.nio.file.Path;
import java.time.Duration;

import dev.cirrus.node.host.Command;
import dev.cirrus.node.host.HostCommands;

/**
 * A simulated node's own libvirtd (and virtlogd), started and stopped through
 * {@code hack/node-libvirtd.sh} inside the node's network namespace. Its QEMU processes live in that
 * namespace, so they attach to the taps the node's dataplane makes there. VM files must live outside
 * /var/lib/libvirt (hidden by the node's copy) in a directory libvirt-qemu can read, e.g. {@link #vmDir()}.
 */
public final class NodeLibvirtd implements AutoCloseable {
    private final HostCommands host;
    private final Path script;
    private final String netns;
    private final Path nodeDir;
    private final String uri;

    private NodeLibvirtd(HostCommands host, Path script, String netns, Path nodeDir, String uri) {
        this.host = host;
        this.script = script;
        this.netns = netns;
        this.nodeDir = nodeDir;
        this.uri = uri;
    }

    /** Starts (or finds running) the node's libvirtd; the namespace must exist. */
    public static NodeLibvirtd start(HostCommands host, Path repoRoot, String netns, Path nodeDir) {
        Path script = repoRoot.resolve("hack/node-libvirtd.sh").toAbsolutePath();
        String uri = host.run(Command.of(script.toString(), "start", netns, nodeDir.toAbsolutePath().toString())
                .withTimeout(Duration.ofSeconds(60))).stdout().strip();
        return new NodeLibvirtd(host, script, netns, nodeDir.toAbsolutePath(), uri);
    }

    /** {@code qemu+unix:///system?socket=<node dir>/run/libvirt/libvirt-sock} */
    public String uri() {
        return uri;
    }

    /** Where this libvirtd writes {@code <domain>.pid} for each running QEMU. */
    public Path qemuRunDir() {
        return nodeDir.resolve("run/libvirt/qemu");
    }

    /** A directory for VM files that this node's QEMU can read. */
    public Path vmDir() {
        return nodeDir.resolve("vms");
    }

    /** A new libvirt-java connection to this node's libvirtd; the caller closes it. */
    public LibvirtDomains connect() {
        return LibvirtDomains.connect(uri, qemuRunDir());
    }

    /** virsh against this node's libvirtd. */
    public Command virsh(String... args) {
        String[] argv = new String[args.length + 3];
        argv[0] = "virsh";
        argv[1] = "-c";
        argv[2] = uri;
        System.arraycopy(args, 0, argv, 3, args.length);
        return Command.of(argv);
    }

    /** Destroys the node's running domains and stops its daemons. */
    @Override
    public void close() {
        host.attempt(Command.of(script.toString(), "stop", netns, nodeDir.toString()).withTimeout(Duration.ofSeconds(60)));
    }
}
