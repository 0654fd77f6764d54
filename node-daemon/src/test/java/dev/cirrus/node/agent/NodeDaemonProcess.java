package dev.cirrus.node.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import dev.cirrus.node.registry.HypervisorRegistration;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A compute node daemon (registration + agent, {@link TestNodeConfig}) in its own JVM, so a test can
 * {@code kill -9} it for real: nothing of the daemon runs after the kill, no shutdown hook, no
 * connection close. {@link #main} is the child's entry point; {@link #launch} starts one.
 */
final class NodeDaemonProcess implements AutoCloseable {
    static final String UP_MARKER = "NODE-DAEMON-UP";

    private final Process process;
    private final Path log;

    private NodeDaemonProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts a daemon for {@code config} (a compute node in a namespace) against the API server of
     * {@code kubeconfig} and waits until it runs; its output goes to {@code log} (appended).
     */
    static NodeDaemonProcess launch(Path kubeconfig, TestNodeConfig config, Path log) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        // surefire runs tests from a manifest-only jar; it names the real class path here.
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> argv = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                "-cp", classpath, NodeDaemonProcess.class.getName(), kubeconfig.toString(),
                config.name(), config.netns().orElseThrow(), config.underlay(), config.state(), config.vmImagesDir(),
                config.libvirtUri(), Long.toString(config.vmOrphanGracePeriod().toMillis())));
        Files.createDirectories(log.getParent());
        long before = Files.exists(log) ? Files.size(log) : 0;
        Process process = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        NodeDaemonProcess daemon = new NodeDaemonProcess(process, log);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!daemon.logSince(before).contains(UP_MARKER)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("node daemon did not come up; see " + log);
            }
            sleep(100);
        }
        return daemon;
    }

    /** The daemon's output so far. */
    String log() throws IOException {
        return Files.readString(log);
    }

    private String logSince(long offset) {
        try {
            String all = Files.readString(log);
            return all.substring((int) Math.min(offset, all.length()));
        } catch (IOException e) {
            return "";
        }
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL, then wait until the process is gone. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                kill9();
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Outside Quarkus and surefire nothing configures a log handler: without one the daemon's log is lost. */
    private static void logToStderr() {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT,%1$tL %4$s [%3$s] %5$s%6$s%n");
        Logger root = Logger.getLogger("");
        ConsoleHandler handler = new ConsoleHandler();
        handler.setFormatter(new SimpleFormatter());
        handler.setLevel(Level.INFO);
        root.addHandler(handler);
        root.setLevel(Level.INFO);
    }

    /** args: kubeconfig name netns underlay state-dir vm-dir libvirt-uri orphan-grace-millis */
    public static void main(String[] args) throws Exception {
        logToStderr();
        TestNodeConfig config = TestNodeConfig.compute(args[1], args[2], args[3], args[4], args[5], args[6],
                Duration.ofMillis(Long.parseLong(args[7])));
        Config kube = Config.fromKubeconfig(Files.readString(Path.of(args[0])));
        KubernetesClient client = new KubernetesClientBuilder().withConfig(kube).build();
        NodeReport report = new NodeReport();
        new HypervisorRegistration(client, config, report).start(null);
        new NodeAgent(client, config, report, new SimpleMeterRegistry()).start(null);
        System.out.println(UP_MARKER + " pid " + ProcessHandle.current().pid() + " node " + config.name()
                + " libvirt " + config.libvirtUri());
        System.out.flush();
        new CountDownLatch(1).await(); // until killed
    }
}
