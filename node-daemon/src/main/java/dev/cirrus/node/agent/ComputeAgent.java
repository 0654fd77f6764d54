package dev.cirrus.node.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.stream.Stream;

import dev.cirrus.api.v1alpha1.Image;
import dev.cirrus.api.v1alpha1.ImageFormat;
import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VmPhase;
import dev.cirrus.node.NodeConfig;
import dev.cirrus.node.compute.CloudInitSeed;
import dev.cirrus.node.compute.DirectKernelBoot;
import dev.cirrus.node.compute.DiskManager;
import dev.cirrus.node.compute.DomainSpec;
import dev.cirrus.node.compute.DomainState;
import dev.cirrus.node.compute.DomainType;
import dev.cirrus.node.compute.DomainXmlRenderer;
import dev.cirrus.node.compute.LibvirtDomains;
import dev.cirrus.node.compute.RunAction;
import dev.cirrus.node.compute.RunDecision;
import dev.cirrus.node.compute.RunInputs;
import dev.cirrus.node.compute.RunStrategyDecision;
import dev.cirrus.node.compute.SeedIsoBuilder;
import dev.cirrus.node.compute.XorrisoIsoTool;
import dev.cirrus.node.host.HostCommands;
import dev.cirrus.node.image.DownloadSettings;
import dev.cirrus.node.image.ImageCache;
import dev.cirrus.node.image.ImageFetchException;
import org.jboss.logging.Logger;

/**
 * The node daemon's compute half: per VM of this node, images → seed → disks → domain definition →
 * the run-strategy action; and on deletion the domain and the VM's files go. Runs on the agent's
 * single loop thread; the pure parts are {@link VmDomainPlan}, {@link RunStrategyDecision} and
 * {@link VmComputeStatus}.
 */
final class ComputeAgent implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ComputeAgent.class);
    private static final long MAX_IMAGE_BYTES = 64L << 30;
    /** How long a guest gets to power off after the ACPI button before the plug is pulled. */
    private static final Duration GRACEFUL_STOP = Duration.ofSeconds(60);
    /** A failed fetch is not retried for this long (each resync would download the whole artifact again). */
    private static final Duration FETCH_BACKOFF = Duration.ofSeconds(30);

    private final NodeConfig config;
    private final Path root;
    private final ImageCache cache;
    private final DiskManager disks;
    private final SeedIsoBuilder seeds;
    private final DomainXmlRenderer renderer = new DomainXmlRenderer();
    private final CloudInitSeed cloudInit = new CloudInitSeed();
    private final DomainType type;
    private final Consumer<String> onEvent;
    private final Map<String, FailedFetch> failedFetches = new HashMap<>();
    private final Map<String, Instant> gracefulStopSent = new HashMap<>();
    private LibvirtDomains libvirt;
    private LibvirtDomains.Subscription events;

    ComputeAgent(NodeConfig config, HostCommands host, Consumer<String> onEvent) {
        this.config = config;
        this.root = Path.of(config.vmImagesDir());
        this.cache = new ImageCache(root.resolve("cache"), DownloadSettings.defaults());
        this.disks = new DiskManager(host);
        this.seeds = new SeedIsoBuilder(new XorrisoIsoTool(host, Duration.ofSeconds(30)));
        this.type = DomainType.valueOf(config.domainType().toUpperCase(Locale.ROOT));
        this.onEvent = onEvent;
    }

    private LibvirtDomains libvirt() {
        if (libvirt == null) {
            libvirt = LibvirtDomains.connect(config.libvirtUri(), LibvirtDomains.DEFAULT_QEMU_RUN_DIR);
            events = libvirt.onLifecycleEvent(onEvent);
        }
        return libvirt;
    }

    /** Brings the VM's domain where its spec wants it; never throws for a VM-level problem. */
    VmCompute reconcile(VirtualMachine vm, BiFunction<String, String, Image> images, Map<String, OverlayNetwork> networks) {
        Path dir = VmDomainPlan.vmDir(root, vm.getMetadata().getUid());
        DirectKernelBoot kernelBoot;
        Path rootDisk = null;
        try {
            var kb = vm.getSpec().kernelBoot;
            kernelBoot = kb == null ? null : new DirectKernelBoot(fetch(vm, images, kb.kernel, ImageFormat.KERNEL),
                    kb.initrd == null ? null : fetch(vm, images, kb.initrd, ImageFormat.INITRD), kb.cmdline);
            if (vm.getSpec().rootDisk != null) {
                Image image = image(vm, images, vm.getSpec().rootDisk.image, null);
                Path base = fetch(vm, images, vm.getSpec().rootDisk.image, null);
                prepareDir(dir);
                rootDisk = dir.resolve("root.qcow2");
                Long size = vm.getSpec().rootDisk.size == null ? null : VmDomainPlan.bytes(vm.getSpec().rootDisk.size);
                disks.ensureOverlay(base, image.getSpec().format == null ? ImageFormat.QCOW2 : image.getSpec().format, rootDisk, size);
            }
            for (var d : Optional.ofNullable(vm.getSpec().dataDisks).orElse(List.of())) {
                prepareDir(dir);
                disks.ensureDataDisk(VmDomainPlan.dataDisk(dir, d.name), VmDomainPlan.bytes(d.size));
            }
        } catch (ImageProblem e) {
            return VmCompute.imageFailed(e.getMessage());
        } catch (IOException | RuntimeException e) {
            return VmCompute.imageFailed("preparing disks: " + e.getMessage());
        }
        String name = VmDomainPlan.domainName(vm);
        String console = dir.resolve("console.log").toString();
        try {
            DomainState state = libvirt().state(name);
            String uid = vm.getMetadata().getUid();
            if (state != DomainState.RUNNING) {
                gracefulStopSent.remove(uid);
            }
            Instant sent = gracefulStopSent.get(uid);
            boolean overdue = sent != null && sent.plus(GRACEFUL_STOP).isBefore(Instant.now());
            RunDecision decision = RunStrategyDecision.decide(
                    new RunInputs(vm.getSpec().runStrategy, vm.getSpec().running, state, false, overdue));
            boolean started = false;
            switch (decision.action()) {
                case START, RESTART -> {
                    define(vm, dir, rootDisk, kernelBoot, networks);
                    if (decision.action() == RunAction.RESTART) {
                        libvirt().destroy(name);
                    }
                    libvirt().start(name);
                    started = true;
                }
                case STOP_GRACEFUL -> {
                    if (gracefulStopSent.putIfAbsent(uid, Instant.now()) == null) {
                        libvirt().shutdown(name);
                    }
                }
                case DESTROY -> libvirt().destroy(name);
                case UNDEFINE -> libvirt().undefine(name);
                case RESUME -> LOG.warnf("resume of paused domain %s is not supported yet", name);
                case NONE -> {
                }
            }
            DomainState now = libvirt().state(name);
            boolean running = now == DomainState.RUNNING;
            VmPhase phase = running ? VmPhase.Running : decision.phase();
            return new VmCompute(true, "images fetched and verified", running, "domain " + name + " " + now.name().toLowerCase(Locale.ROOT),
                    phase, now == DomainState.ABSENT ? null : VmDomainPlan.domainUuid(vm), started, console);
        } catch (IOException | RuntimeException e) {
            LOG.warnf(e, "domain of VM %s/%s", vm.getMetadata().getNamespace(), vm.getMetadata().getName());
            return new VmCompute(true, "images fetched and verified", false, "domain: " + e.getMessage(), VmPhase.Failed,
                    null, false, console);
        }
    }

    private void define(VirtualMachine vm, Path dir, Path rootDisk, DirectKernelBoot kernelBoot,
                        Map<String, OverlayNetwork> networks) throws IOException {
        prepareDir(dir);
        DomainSpec spec = VmDomainPlan.domain(vm, type, dir, rootDisk, kernelBoot);
        seeds.build(cloudInit.render(VmDomainPlan.seed(vm, networks)), spec.seedIso());
        readable(spec.seedIso());
        libvirt().define(renderer.render(spec));
    }

    /** Domain destroyed and undefined, the VM's files removed; true when nothing is left. */
    boolean cleanUp(VirtualMachine vm) {
        try {
            String name = VmDomainPlan.domainName(vm);
            libvirt().destroy(name);
            libvirt().undefine(name);
            gracefulStopSent.remove(vm.getMetadata().getUid());
            Path dir = VmDomainPlan.vmDir(root, vm.getMetadata().getUid());
            if (Files.exists(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warnf(e, "cleanup of VM %s/%s", vm.getMetadata().getNamespace(), vm.getMetadata().getName());
            return false;
        }
    }

    private Image image(VirtualMachine vm, BiFunction<String, String, Image> images, String imageName, ImageFormat format) throws ImageProblem {
        Image image = images.apply(vm.getMetadata().getNamespace(), imageName);
        if (image == null || image.getSpec() == null) {
            throw new ImageProblem("image " + imageName + " not found");
        }
        if (format != null && image.getSpec().format != format) {
            throw new ImageProblem("image " + imageName + " has format " + image.getSpec().format + ", expected " + format);
        }
        return image;
    }

    private Path fetch(VirtualMachine vm, BiFunction<String, String, Image> images, String imageName, ImageFormat format) throws ImageProblem {
        Image image = image(vm, images, imageName, format);
        String key = image.getSpec().url + "|" + image.getSpec().checksum;
        FailedFetch failed = failedFetches.get(key);
        if (failed != null && failed.retryAfter().isAfter(Instant.now())) {
            throw new ImageProblem(failed.message());
        }
        try {
            prepareDir(cache.directory());
            Path file = cache.fetch(image.getSpec().url, image.getSpec().checksum, MAX_IMAGE_BYTES, config.allowPrivateImageUrls()).path();
            readable(file);
            return file;
        } catch (ImageFetchException | IOException e) {
            String message = "image " + imageName + ": " + e.getMessage();
            failedFetches.put(key, new FailedFetch(message, Instant.now().plus(FETCH_BACKOFF)));
            throw new ImageProblem(message);
        }
    }

    /** QEMU runs as libvirt-qemu: the VM's files and every directory of ours above them must be readable. */
    private void prepareDir(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Path p = dir; p != null && p.startsWith(root); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static void readable(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }

    @Override
    public void close() {
        if (events != null) {
            events.close();
        }
        if (libvirt != null) {
            libvirt.close();
        }
    }

    private record FailedFetch(String message, Instant retryAfter) {
    }

    private static final class ImageProblem extends Exception {
        ImageProblem(String message) {
            super(message);
        }
    }
}
