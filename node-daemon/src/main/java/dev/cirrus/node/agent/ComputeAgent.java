package dev.cirrus.node.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.cirrus.api.v1alpha1.HypervisorStatus.ImageCacheEntry;
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
import dev.cirrus.node.compute.KvmProbe;
import dev.cirrus.node.compute.LibvirtDomains;
import dev.cirrus.node.compute.OwnedDomain;
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
import io.fabric8.kubernetes.api.model.Secret;
import org.jboss.logging.Logger;

/**
 * The node daemon's compute half: per VM of this node, images → seed → disks → domain definition →
 * the run-strategy action; and on deletion the domain and the VM's files go; what no VM owns any more
 * is collected after a grace period. Runs on the agent's single loop thread, except downloads
 * ({@link ImageFetches}); the pure parts are {@link VmDomainPlan}, {@link RunStrategyDecision},
 * {@link OrphanSweep} and {@link VmComputeStatus}.
 */
final class ComputeAgent implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ComputeAgent.class);
    private static final long MAX_IMAGE_BYTES = 64L << 30;
    /** How long a guest gets to power off after the ACPI button before the plug is pulled. */
    private static final Duration GRACEFUL_STOP = Duration.ofSeconds(60);
    /** A failed fetch is not retried for this long (each attempt may download the whole artifact again). */
    private static final Duration FETCH_BACKOFF = Duration.ofSeconds(30);
    /** In each VM directory: the name of the node that made it. */
    static final String NODE_MARKER = ".cirrus-node";

    private final NodeConfig config;
    private final Path root;
    private final ImageCache cache;
    private final DiskManager disks;
    private final SeedIsoBuilder seeds;
    private final DomainXmlRenderer renderer = new DomainXmlRenderer();
    private final CloudInitSeed cloudInit = new CloudInitSeed();
    private final DomainType type;
    private final Consumer<String> onEvent;
    private final BiFunction<String, String, Secret> secrets;
    private final ImageFetches fetches;
    private final Map<String, Instant> gracefulStopSent = new HashMap<>();
    private Map<String, Instant> orphansSeen = Map.of();
    private Map<String, Instant> imagesSeen = Map.of();
    private static final String IMAGES_USED = "images.used";
    private LibvirtDomains libvirt;
    private LibvirtDomains.Subscription events;

    /**
     * @param onEvent called (from other threads) when a domain changes state or a download ends: enqueue a resync
     * @param secrets reads a Secret by namespace and name (null when absent), for user-data Secrets
     */
    ComputeAgent(NodeConfig config, HostCommands host, Consumer<String> onEvent, BiFunction<String, String, Secret> secrets) {
        this.config = config;
        this.root = Path.of(config.vmImagesDir());
        this.cache = new ImageCache(root.resolve("cache"), DownloadSettings.defaults());
        this.disks = new DiskManager(host);
        this.seeds = new SeedIsoBuilder(new XorrisoIsoTool(host, Duration.ofSeconds(30)));
        this.type = "auto".equalsIgnoreCase(config.domainType()) ? KvmProbe.detect(host, root.resolve("probe"))
                : DomainType.valueOf(config.domainType().toUpperCase(Locale.ROOT));
        this.onEvent = onEvent;
        this.secrets = secrets;
        this.fetches = new ImageFetches(cache, () -> onEvent.accept("image"), FETCH_BACKOFF, MAX_IMAGE_BYTES,
                config.allowPrivateImageUrls(), Clock.systemUTC());
    }

    /** What {@code auto} resolved to (the KVM probe), or the configured type. */
    DomainType domainType() {
        return type;
    }

    private LibvirtDomains libvirt() {
        if (libvirt == null) {
            libvirt = LibvirtDomains.connect(config.libvirtUri(), LibvirtDomains.qemuRunDirOf(config.libvirtUri()));
            events = libvirt.onLifecycleEvent(onEvent);
            logAdoptions(libvirt.ownedDomains());
        }
        return libvirt;
    }

    /**
     * After a daemon (re)start, running domains are simply left running: reconcile sees them RUNNING and
     * the run strategy has nothing to do. Logged so an operator can tell adoption from a fresh start.
     */
    private void logAdoptions(List<OwnedDomain> domains) {
        for (OwnedDomain d : domains) {
            if (d.owner().managedBy(config.name()) && d.state() == DomainState.RUNNING) {
                LOG.infof("adopting running domain %s of VM %s/%s (qemu pid %s)", d.name(), d.owner().namespace(),
                        d.owner().vmName(), d.qemuPid().isPresent() ? d.qemuPid().getAsLong() : "unknown");
            }
        }
    }

    /** Brings the VM's domain where its spec wants it; never throws for a VM-level problem. */
    VmCompute reconcile(VirtualMachine vm, BiFunction<String, String, Image> images, Map<String, OverlayNetwork> networks) {
        Path dir = VmDomainPlan.vmDir(root, vm.getMetadata().getUid());
        DirectKernelBoot kernelBoot;
        Path rootDisk = null;
        Path base = null;
        try {
            var kb = vm.getSpec().kernelBoot;
            kernelBoot = kb == null ? null : new DirectKernelBoot(fetch(vm, images, kb.kernel, ImageFormat.KERNEL),
                    kb.initrd == null ? null : fetch(vm, images, kb.initrd, ImageFormat.INITRD), kb.cmdline);
            if (vm.getSpec().rootDisk != null) {
                Image image = image(vm, images, vm.getSpec().rootDisk.image, null);
                base = fetch(vm, images, vm.getSpec().rootDisk.image, null);
                prepareVmDir(dir);
                rootDisk = dir.resolve("root.qcow2");
                Long size = vm.getSpec().rootDisk.size == null ? null : VmDomainPlan.bytes(vm.getSpec().rootDisk.size);
                disks.ensureOverlay(base, image.getSpec().format == null ? ImageFormat.QCOW2 : image.getSpec().format, rootDisk, size);
            }
            for (var d : Optional.ofNullable(vm.getSpec().dataDisks).orElse(List.of())) {
                prepareVmDir(dir);
                disks.ensureDataDisk(VmDomainPlan.dataDisk(dir, d.name), VmDomainPlan.bytes(d.size));
            }
            recordImagesUsed(dir, Stream.of(base, kernelBoot == null ? null : kernelBoot.kernel(),
                    kernelBoot == null ? null : kernelBoot.initrd()).filter(Objects::nonNull).toList());
        } catch (ImagePending e) {
            return VmCompute.imageFetching(e.getMessage());
        } catch (ImageProblem e) {
            return VmCompute.imageFailed(e.reason, e.getMessage());
        } catch (IOException | RuntimeException e) {
            return VmCompute.imageFailed("DiskFailed", "preparing disks: " + e.getMessage());
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
            String restart = VmDomainPlan.restartRequest(vm);
            // Reading the domain's answered value costs an XML round trip: only when a restart is asked for at all.
            boolean restartPending = restart != null && state != DomainState.ABSENT
                    && VmDomainPlan.restartPending(restart, libvirt().owner(name));
            RunDecision decision = RunStrategyDecision.decide(
                    new RunInputs(vm.getSpec().runStrategy, vm.getSpec().running, state, restartPending, overdue));
            boolean started = false;
            switch (decision.action()) {
                case START, RESTART -> {
                    String seedProblem = define(vm, dir, rootDisk, kernelBoot, networks, restart);
                    if (seedProblem != null) {
                        return new VmCompute(true, VmCompute.FETCHED, "images fetched and verified", false, seedProblem,
                                VmPhase.Pending, null, false, console);
                    }
                    if (decision.action() == RunAction.RESTART) {
                        LOG.infof("restarting domain %s: restart requested (%s)", name, restart);
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
            return new VmCompute(true, VmCompute.FETCHED, "images fetched and verified", running, "domain " + name + " " + now.name().toLowerCase(Locale.ROOT),
                    phase, now == DomainState.ABSENT ? null : VmDomainPlan.domainUuid(vm), started, console);
        } catch (IOException | RuntimeException e) {
            LOG.warnf(e, "domain of VM %s/%s", vm.getMetadata().getNamespace(), vm.getMetadata().getName());
            return new VmCompute(true, VmCompute.FETCHED, "images fetched and verified", false, "domain: " + e.getMessage(), VmPhase.Failed,
                    null, false, console);
        }
    }

    /**
     * Seed and (re)definition, recording the node and the restart request the new definition answers.
     *
     * @return null, or why the seed cannot be built (a user-data Secret problem, for the VM's owner)
     */
    private String define(VirtualMachine vm, Path dir, Path rootDisk, DirectKernelBoot kernelBoot,
                          Map<String, OverlayNetwork> networks, String restart) throws IOException {
        String userData;
        try {
            userData = VmDomainPlan.userData(vm, userDataSecret(vm));
        } catch (IllegalArgumentException e) {
            return "cloud-init: " + e.getMessage();
        }
        prepareVmDir(dir);
        DomainSpec spec = VmDomainPlan.domain(vm, type, dir, rootDisk, kernelBoot, config.name(), restart,
                "ovs".equals(config.backend()) && "netdev".equals(config.datapath()));
        seeds.build(cloudInit.render(VmDomainPlan.seed(vm, networks, userData)), spec.seedIso());
        readable(spec.seedIso());
        libvirt().define(renderer.render(spec));
        return null;
    }

    private Secret userDataSecret(VirtualMachine vm) {
        var cloudInit = vm.getSpec().cloudInit;
        if (cloudInit == null || cloudInit.userDataSecretRef == null) {
            return null;
        }
        return secrets.apply(vm.getMetadata().getNamespace(), cloudInit.userDataSecretRef.name);
    }

    /**
     * Removes this node's domains and VM directories that no VM placed here owns any more, once they
     * have stayed orphaned for the configured grace period (see {@link OrphanSweep}).
     *
     * @param liveUids every VM labelled for this node, including those being deleted; only call with a synced view
     */
    /** What the VM's domain is built on, for the image cache's garbage collection ({@link ImageSweep}). */
    private void recordImagesUsed(Path dir, List<Path> files) throws IOException {
        prepareVmDir(dir);
        String used = files.stream().map(f -> f.getFileName().toString() + "\n").sorted().collect(Collectors.joining());
        Path record = dir.resolve(IMAGES_USED);
        if (!Files.exists(record) || !Files.readString(record).equals(used)) {
            Files.writeString(record, used);
        }
    }

    /** Removes cached images that no VM on this node has used for the grace period. */
    private void collectUnusedImages(Path vms) throws IOException {
        Path cacheDir = cache.directory();
        if (!Files.isDirectory(cacheDir)) {
            return;
        }
        Set<String> inUse = new HashSet<>();
        if (Files.isDirectory(vms)) {
            try (Stream<Path> dirs = Files.list(vms)) {
                for (Path record : dirs.map(d -> d.resolve(IMAGES_USED)).filter(Files::isRegularFile).toList()) {
                    Files.readAllLines(record).stream().filter(l -> !l.isBlank()).forEach(inUse::add);
                }
            }
        }
        List<String> cached;
        try (Stream<Path> files = Files.list(cacheDir)) {
            cached = files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).toList();
        }
        ImageSweep.Plan plan = ImageSweep.plan(cached, inUse, fetches.downloading(), imagesSeen, Instant.now(),
                config.vmOrphanGracePeriod());
        imagesSeen = plan.firstSeen();
        for (String file : plan.files()) {
            LOG.infof("removing cached image %s (no VM on node %s used it for %s)", file, config.name(), config.vmOrphanGracePeriod());
            Files.deleteIfExists(cacheDir.resolve(file));
        }
    }

    void collectOrphans(Set<String> liveUids) {
        try {
            List<String> dirs = new ArrayList<>();
            Path vms = root.resolve("vms");
            if (Files.isDirectory(vms)) {
                try (Stream<Path> entries = Files.list(vms)) {
                    entries.filter(Files::isDirectory).filter(this::markedByThisNode)
                            .forEach(p -> dirs.add(p.getFileName().toString()));
                }
            }
            OrphanSweep.Plan plan = OrphanSweep.plan(config.name(), liveUids, libvirt().ownedDomains(), dirs, orphansSeen,
                    Instant.now(), config.vmOrphanGracePeriod());
            orphansSeen = plan.firstSeen();
            for (String domain : plan.domains()) {
                LOG.infof("removing orphaned domain %s (no VM owns it)", domain);
                libvirt().destroy(domain);
                libvirt().undefine(domain);
            }
            for (String uid : plan.vmDirs()) {
                LOG.infof("removing orphaned VM directory %s", vms.resolve(uid));
                deleteTree(vms.resolve(uid));
            }
            collectUnusedImages(vms);
        } catch (IOException | RuntimeException e) {
            LOG.warnf(e, "orphan collection on node %s", config.name());
        }
    }

    /** Domain destroyed and undefined, the VM's files removed; true when nothing is left. */
    boolean cleanUp(VirtualMachine vm) {
        try {
            String name = VmDomainPlan.domainName(vm);
            libvirt().destroy(name);
            libvirt().undefine(name);
            gracefulStopSent.remove(vm.getMetadata().getUid());
            deleteTree(VmDomainPlan.vmDir(root, vm.getMetadata().getUid()));
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warnf(e, "cleanup of VM %s/%s", vm.getMetadata().getNamespace(), vm.getMetadata().getName());
            return false;
        }
    }

    private Image image(VirtualMachine vm, BiFunction<String, String, Image> images, String imageName, ImageFormat format)
            throws ImageProblem {
        Image image = images.apply(vm.getMetadata().getNamespace(), imageName);
        if (image == null || image.getSpec() == null) {
            throw new ImageProblem("NotFound", "image " + imageName + " not found");
        }
        if (format != null && image.getSpec().format != format) {
            throw new ImageProblem("WrongFormat", "image " + imageName + " has format " + image.getSpec().format + ", expected " + format);
        }
        return image;
    }

    /** Per-node state of the Images this node holds, fetches or failed to fetch (for their status). */
    public List<ImageCacheEntry> imageStates(Collection<Image> images) {
        List<ImageCacheEntry> states = new ArrayList<>();
        for (Image image : images) {
            if (image.getSpec() == null || image.getSpec().url == null || image.getSpec().checksum == null) {
                continue;
            }
            try {
                fetches.state(image.getSpec().url, image.getSpec().checksum).ifPresent(entry -> {
                    entry.namespace = image.getMetadata().getNamespace();
                    entry.name = image.getMetadata().getName();
                    states.add(entry);
                });
            } catch (IllegalArgumentException e) {
                // A malformed checksum: the schema rejects it; nothing to report.
            }
        }
        states.sort(Comparator.comparing((ImageCacheEntry e) -> e.namespace).thenComparing(e -> e.name));
        return states;
    }

    private Path fetch(VirtualMachine vm, BiFunction<String, String, Image> images, String imageName, ImageFormat format)
            throws ImageProblem, ImagePending {
        Image image = image(vm, images, imageName, format);
        try {
            prepareDir(cache.directory());
            Optional<Path> file = fetches.poll(image.getSpec().url, image.getSpec().checksum);
            if (file.isEmpty()) {
                throw new ImagePending("downloading image " + imageName);
            }
            readable(file.get());
            return file.get();
        } catch (ImageFetchException e) {
            throw new ImageProblem(e.reason().name(), "image " + imageName + ": " + e.getMessage());
        } catch (IOException | IllegalArgumentException e) {
            throw new ImageProblem("FetchFailed", "image " + imageName + ": " + e.getMessage());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * A VM directory, marked with this node's name: orphan collection only ever removes directories
     * this node marked, so nodes that share a VM root by mistake cannot delete each other's files.
     */
    private void prepareVmDir(Path dir) throws IOException {
        prepareDir(dir);
        Path marker = dir.resolve(NODE_MARKER);
        if (!Files.exists(marker)) {
            Files.writeString(marker, config.name());
        }
    }

    private boolean markedByThisNode(Path dir) {
        try {
            return config.name().equals(Files.readString(dir.resolve(NODE_MARKER)).strip());
        } catch (IOException e) {
            return false;
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
        fetches.close();
        if (events != null) {
            events.close();
        }
        if (libvirt != null) {
            libvirt.close();
        }
    }

    private static final class ImageProblem extends Exception {
        private final String reason;

        ImageProblem(String reason, String message) {
            super(message);
            this.reason = reason;
        }
    }

    private static final class ImagePending extends Exception {
        ImagePending(String message) {
            super(message);
        }
    }
}
