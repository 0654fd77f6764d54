package dev.cirrus.node.compute;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

import org.jboss.logging.Logger;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.Library;
import org.libvirt.LibvirtException;
import org.libvirt.event.LifecycleListener;

/**
 * The node daemon's libvirt driver: one connection, domains addressed by name. Every operation is
 * idempotent (start of a running domain, destroy/undefine of an absent one are no-ops) so a reconcile
 * loop can repeat itself after a crash half-way. libvirt-java types stay inside this class.
 */
public final class LibvirtDomains implements AutoCloseable {
    public static final String DEFAULT_URI = "qemu:///system";
    /** Where libvirtd (qemu:///system) keeps {@code <domain>.pid} of each running QEMU. */
    public static final Path DEFAULT_QEMU_RUN_DIR = Path.of("/run/libvirt/qemu");

    private static final Logger LOG = Logger.getLogger(LibvirtDomains.class);
    // virDomainUndefineFlags: also drop a managed-save image and snapshot metadata, else undefine refuses.
    private static final int UNDEFINE_MANAGED_SAVE = 1;
    private static final int UNDEFINE_SNAPSHOTS_METADATA = 2;
    private static boolean eventLoopStarted;
    /**
     * libvirt's default error handler prints every error to stderr, including the expected "Domain not
     * found" of an idempotent lookup. Errors still reach us as exceptions; this only silences the print.
     * Held in a static field because JNA callbacks that get garbage-collected crash the native side.
     */
    private static final org.libvirt.jna.Libvirt.VirErrorCallback QUIET_ERRORS = (userData, error) -> {
    };

    private final Connect connect;
    private final String uri;
    private final Path qemuRunDir;

    private LibvirtDomains(Connect connect, String uri, Path qemuRunDir) {
        this.connect = connect;
        this.uri = uri;
        this.qemuRunDir = qemuRunDir;
    }

    public static LibvirtDomains connect() {
        return connect(DEFAULT_URI, DEFAULT_QEMU_RUN_DIR);
    }

    /**
     * @param uri        e.g. {@code qemu:///system} or {@code qemu+unix:///system?socket=/nodes/a/run/libvirt-sock}
     * @param qemuRunDir libvirtd's QEMU pid-file directory (for {@link OwnedDomain#qemuPid()}), or null to skip pids
     */
    public static LibvirtDomains connect(String uri, Path qemuRunDir) {
        Objects.requireNonNull(uri, "uri");
        // libvirt only delivers events on connections opened after an event implementation is registered.
        startEventLoop();
        try {
            return new LibvirtDomains(new Connect(uri, false), uri, qemuRunDir);
        } catch (LibvirtException e) {
            throw failure("cannot connect to " + uri, e);
        }
    }

    /**
     * Where the libvirtd behind {@code uri} keeps QEMU pid files: {@code qemu/} next to the socket of a
     * {@code socket=} URI (a node's own libvirtd keeps its whole run dir there), else the system default.
     */
    public static Path qemuRunDirOf(String uri) {
        int at = uri.indexOf("socket=");
        if (at < 0) {
            return DEFAULT_QEMU_RUN_DIR;
        }
        String socket = uri.substring(at + "socket=".length()).split("&", 2)[0];
        Path parent = Path.of(socket).getParent();
        return parent == null ? DEFAULT_QEMU_RUN_DIR : parent.resolve("qemu");
    }

    private static synchronized void startEventLoop() {
        if (eventLoopStarted) {
            return;
        }
        try {
            Connect.setErrorCallback(QUIET_ERRORS);
            Library.initEventLoop();
        } catch (LibvirtException e) {
            throw failure("cannot register libvirt's default event loop", e);
        }
        Thread loop = new Thread(() -> {
            try {
                Library.runEventLoop();
            } catch (LibvirtException e) {
                LOG.error("libvirt event loop stopped; lifecycle events will no longer arrive", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "libvirt-event-loop");
        loop.setDaemon(true); // one per JVM, for the JVM's lifetime: never blocks shutdown
        loop.start();
        eventLoopStarted = true;
    }

    public String uri() {
        return uri;
    }

    /**
     * Defines the domain or replaces its persistent definition (upsert). The XML must carry the domain's
     * UUID ({@link DomainSpec#uuid()}): redefining an existing name with another or no UUID fails. A running
     * domain keeps running; the new definition applies from its next start.
     */
    public void define(String xml) {
        try {
            free(connect.domainDefineXML(xml));
        } catch (LibvirtException e) {
            throw failure("cannot define domain", e);
        }
    }

    /** Starts a defined domain; a running one is left alone. */
    public void start(String name) {
        withDomain(name, "start", domain -> {
            if (domain.isActive() == 0) {
                domain.create();
            }
        }, false);
    }

    /** Asks the guest to power off (ACPI power button); returns at once. No-op unless running. */
    public void shutdown(String name) {
        withDomain(name, "shutdown", domain -> {
            if (domain.isActive() == 1) {
                domain.shutdown();
            }
        }, true);
    }

    /** Kills QEMU at once. No-op when absent or not running. */
    public void destroy(String name) {
        withDomain(name, "destroy", domain -> {
            if (domain.isActive() == 1) {
                domain.destroy();
            }
        }, true);
    }

    /** Removes the persistent definition (a running domain becomes transient and goes with QEMU). No-op when absent. */
    public void undefine(String name) {
        withDomain(name, "undefine", domain -> domain.undefine(UNDEFINE_MANAGED_SAVE | UNDEFINE_SNAPSHOTS_METADATA), true);
    }

    public DomainState state(String name) {
        Domain domain = lookup(name);
        if (domain == null) {
            return DomainState.ABSENT;
        }
        try {
            int[] raw = DomainGetState.of(domain);
            return DomainStateMapping.map(raw[0], raw[1]);
        } finally {
            free(domain);
        }
    }

    /**
     * The owner recorded in the domain's current definition (the live one while it runs), or empty
     * when the domain is absent or carries no Cirrus metadata.
     */
    public Optional<DomainOwner> owner(String name) {
        return ownedDomain(name).map(OwnedDomain::owner);
    }

    /** Every domain (running or defined) whose XML carries a Cirrus owner; other domains are not ours. */
    public List<OwnedDomain> ownedDomains() {
        List<String> names = new ArrayList<>();
        try {
            for (int id : connect.listDomains()) {
                Domain domain = lookupById(id);
                if (domain != null) {
                    try {
                        names.add(domain.getName());
                    } finally {
                        free(domain);
                    }
                }
            }
            names.addAll(List.of(connect.listDefinedDomains()));
        } catch (LibvirtException e) {
            throw failure("cannot list domains", e);
        }
        List<OwnedDomain> owned = new ArrayList<>();
        for (String name : names) {
            ownedDomain(name).ifPresent(owned::add);
        }
        return List.copyOf(owned);
    }

    private Optional<OwnedDomain> ownedDomain(String name) {
        Domain domain = lookup(name);
        if (domain == null) {
            return Optional.empty(); // went away between listing and lookup
        }
        try {
            Optional<DomainOwner> owner;
            try {
                owner = DomainMetadata.readOwner(domain.getXMLDesc(0));
            } catch (IllegalArgumentException e) {
                // A broken Cirrus block: neither adopt nor collect it blindly; someone has to look.
                LOG.warnf("domain %s has unreadable Cirrus metadata, ignoring it: %s", name, e.getMessage());
                return Optional.empty();
            }
            if (owner.isEmpty()) {
                return Optional.empty();
            }
            int[] raw = DomainGetState.of(domain);
            DomainState state = DomainStateMapping.map(raw[0], raw[1]);
            OptionalLong pid = state == DomainState.ABSENT || state == DomainState.CRASHED
                    || state == DomainState.SHUT_OFF_CLEAN ? OptionalLong.empty() : qemuPid(name);
            return Optional.of(new OwnedDomain(name, owner.get(), state, pid));
        } catch (LibvirtException e) {
            if (isNoDomain(e)) {
                return Optional.empty();
            }
            throw failure("cannot read domain " + name, e);
        } finally {
            free(domain);
        }
    }

    /** libvirtd writes the pid file when it starts QEMU; reading it costs no libvirt round trip. */
    private OptionalLong qemuPid(String name) {
        if (qemuRunDir == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(Files.readString(qemuRunDir.resolve(name + ".pid"),
                    StandardCharsets.US_ASCII).strip()));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** A registered lifecycle callback; close it to stop receiving events. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Calls {@code listener} with the domain's name on every lifecycle event (defined, started, stopped,
     * shut down, crashed, ...), on libvirt's event-loop thread: keep it short (e.g. enqueue a reconcile).
     * The event itself is not passed on purpose: the reconciler re-reads {@link #state(String)} anyway.
     */
    public Subscription onLifecycleEvent(Consumer<String> listener) {
        Objects.requireNonNull(listener, "listener");
        LifecycleListener callback = (domain, event) -> {
            try {
                listener.accept(domain.getName());
            } catch (LibvirtException | RuntimeException e) {
                // Never let an exception unwind into libvirt's native event loop.
                LOG.warn("lifecycle listener failed", e);
            }
            return 0;
        };
        try {
            connect.addLifecycleListener(callback);
        } catch (LibvirtException e) {
            throw failure("cannot register a lifecycle listener", e);
        }
        return () -> {
            try {
                connect.removeLifecycleListener(callback);
            } catch (LibvirtException e) {
                LOG.warn("cannot remove a lifecycle listener", e);
            }
        };
    }

    @Override
    public void close() {
        try {
            connect.close();
        } catch (LibvirtException e) {
            LOG.warn("closing the libvirt connection failed", e);
        }
    }

    private interface DomainAction {
        void apply(Domain domain) throws LibvirtException;
    }

    private void withDomain(String name, String what, DomainAction action, boolean absentIsFine) {
        Domain domain = lookup(name);
        if (domain == null) {
            if (absentIsFine) {
                return;
            }
            throw new LibvirtFailure("cannot " + what + " domain " + name + ": it is not defined", null);
        }
        try {
            action.apply(domain);
        } catch (LibvirtException e) {
            // Raced with someone removing it (e.g. a transient domain whose QEMU just exited).
            if (absentIsFine && isNoDomain(e)) {
                return;
            }
            throw failure("cannot " + what + " domain " + name, e);
        } finally {
            free(domain);
        }
    }

    /** The domain, or null when none has that name. */
    private Domain lookup(String name) {
        try {
            return connect.domainLookupByName(name);
        } catch (LibvirtException e) {
            if (isNoDomain(e)) {
                return null;
            }
            throw failure("cannot look up domain " + name, e);
        }
    }

    private Domain lookupById(int id) {
        try {
            return connect.domainLookupByID(id);
        } catch (LibvirtException e) {
            if (isNoDomain(e)) {
                return null;
            }
            throw failure("cannot look up domain id " + id, e);
        }
    }

    private static boolean isNoDomain(LibvirtException e) {
        return e.getError() != null && e.getError().getCode() == ErrorNumber.VIR_ERR_NO_DOMAIN;
    }

    // Release the native reference now rather than whenever the GC runs libvirt-java's finalizer.
    private static void free(Domain domain) {
        try {
            domain.free();
        } catch (LibvirtException e) {
            LOG.debug("freeing a domain handle failed", e);
        }
    }

    private static LibvirtFailure failure(String what, LibvirtException e) {
        String detail = e.getError() != null ? e.getError().getMessage() : e.getMessage();
        return new LibvirtFailure(what + ": " + detail, e);
    }
}
