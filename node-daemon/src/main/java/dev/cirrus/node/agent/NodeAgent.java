package dev.cirrus.node.agent;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Optional;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.cirrus.api.CirrusApi;
import dev.cirrus.api.v1alpha1.ExternalNetwork;
import dev.cirrus.api.v1alpha1.Hypervisor;
import dev.cirrus.api.v1alpha1.Image;
import dev.cirrus.api.v1alpha1.HypervisorStatus.NetworkEntry;
import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus;
import dev.cirrus.node.NodeConfig;
import dev.cirrus.node.host.HostCommands;
import dev.cirrus.node.host.ProcessHostCommands;
import dev.cirrus.node.network.Dataplanes;
import dev.cirrus.node.network.NetworkDataplane;
import dev.cirrus.node.network.OverlayBackend;
import dev.cirrus.node.network.NetworkReport;
import dev.cirrus.node.network.NodeNetworkDesired;
import dev.cirrus.node.network.NodeNetworkReport;
import dev.cirrus.node.network.PortReport;
import dev.cirrus.node.network.router.ExternalReport;
import dev.cirrus.node.network.router.RouterDataplane;
import dev.cirrus.node.network.router.RoutingDesired;
import dev.cirrus.node.network.router.RoutingReport;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import org.jboss.logging.Logger;

/**
 * The node daemon's loop: watch this node's share of the API (VMs labelled for it, the networks
 * and nodes they depend on), and on every change and every resync period make the host equal to
 * it (plan → apply in the dataplane), then report what the host holds. One thread does all host
 * work, so plans never overlap.
 */
@ApplicationScoped
public class NodeAgent {
    private static final Logger LOG = Logger.getLogger(NodeAgent.class);

    private final KubernetesClient client;
    private final NodeConfig config;
    private final NodeReport report;
    private final MeterRegistry registry;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "node-agent"));
    private final AtomicBoolean queued = new AtomicBoolean();
    /** Informers fire (and ask for a resync) while start() is still opening the next ones. */
    private volatile boolean started;
    private final VmFinalizers finalizers;
    private NetworkDataplane dataplane;
    private SharedIndexInformer<VirtualMachine> vms;
    private SharedIndexInformer<OverlayNetwork> networks;
    private SharedIndexInformer<Hypervisor> nodes;
    private SharedIndexInformer<Image> images;
    private SharedIndexInformer<ExternalNetwork> externals;
    private RouterDataplane routing;
    private OverlayBackend backend;
    private ComputeAgent compute;
    private DriftRepairEvents repairEvents;
    private NetworkMembers members;

    public NodeAgent(KubernetesClient client, NodeConfig config, NodeReport report, MeterRegistry registry) {
        this.client = client;
        this.config = config;
        this.report = report;
        this.registry = registry;
        this.finalizers = new VmFinalizers(client);
    }

    public void start(@Observes StartupEvent event) {
        if (!config.agent()) {
            return;
        }
        HostCommands host = new ProcessHostCommands(registry);
        Path state = config.stateDir().map(Path::of).orElse(Path.of("/var/lib/cirrus", config.name()));
        dataplane = Dataplanes.of(config.backend(), config.datapath(), Path.of(config.ovsRundir()), host,
                state.resolve("network"));
        repairEvents = new DriftRepairEvents(client, registry, config.name());
        members = new NetworkMembers(client, this::requestResync);
        // Router services build on the router namespaces both backends make.
        backend = OverlayBackend.of(config.backend());
        routing = new RouterDataplane(host, state.resolve("network"));
        ResourceEventHandler<Object> trigger = new ResourceEventHandler<>() {
            @Override
            public void onAdd(Object o) {
                requestResync();
            }

            @Override
            public void onUpdate(Object a, Object b) {
                requestResync();
            }

            @Override
            public void onDelete(Object o, boolean unknown) {
                requestResync();
            }
        };
        vms = client.resources(VirtualMachine.class).inAnyNamespace().withLabel(CirrusApi.NODE_LABEL, config.name()).inform(cast(trigger));
        networks = client.resources(OverlayNetwork.class).inAnyNamespace().inform(cast(trigger));
        if (config.compute()) {
            images = client.resources(Image.class).inAnyNamespace().inform(cast(trigger));
            compute = new ComputeAgent(config, host, domain -> requestResync(),
                    (ns, name) -> client.secrets().inNamespace(ns).withName(name).get());
            report.domainType(compute.domainType().xmlValue());
        }
        nodes = client.resources(Hypervisor.class).inform(new ResourceEventHandler<>() {
            // Every node beats every few seconds: only what peers are built from warrants a resync.
            @Override
            public void onAdd(Hypervisor h) {
                requestResync();
            }

            @Override
            public void onUpdate(Hypervisor old, Hypervisor h) {
                if (!peerFacts(old).equals(peerFacts(h))) {
                    requestResync();
                }
            }

            @Override
            public void onDelete(Hypervisor h, boolean unknown) {
                requestResync();
            }
        });
        externals = client.resources(ExternalNetwork.class).inform(cast(trigger)); // cluster-scoped
        long period = config.resyncInterval().toMillis();
        started = true;
        loop.scheduleWithFixedDelay(this::resyncSafely, period, period, TimeUnit.MILLISECONDS);
        requestResync();
    }

    /** The part of a Hypervisor other nodes build tunnels from: its underlay and programmed networks. */
    private static String peerFacts(Hypervisor h) {
        return h.getStatus() == null ? "" : h.getStatus().underlayIP + "|" + Serialization.asJson(h.getStatus().networks);
    }

    @SuppressWarnings("unchecked")
    private static <T> ResourceEventHandler<T> cast(ResourceEventHandler<Object> handler) {
        return (ResourceEventHandler<T>) (ResourceEventHandler<?>) handler;
    }

    public void stop(@Observes ShutdownEvent event) {
        loop.shutdownNow();
        for (SharedIndexInformer<?> informer : new SharedIndexInformer<?>[]{vms, networks, nodes, images, externals}) {
            if (informer != null) {
                informer.stop();
            }
        }
        if (members != null) {
            members.close();
        }
        if (compute != null) {
            try {
                loop.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            compute.close();
        }
    }

    /** Coalesces bursts of events into one resync. */
    public void requestResync() {
        if (queued.compareAndSet(false, true)) {
            loop.schedule(this::resyncSafely, 100, TimeUnit.MILLISECONDS);
        }
    }

    private void resyncSafely() {
        queued.set(false);
        if (!started) {
            return; // start() asks for one once every informer is open
        }
        try {
            resync();
        } catch (RuntimeException e) {
            LOG.warnf(e, "resync of node %s failed", config.name());
        }
    }

    void resync() {
        if (vms == null || networks == null || nodes == null || externals == null) {
            return; // informers still starting: start() requests a resync once they are all up
        }
        List<VirtualMachine> labelled = vms.getStore().list();
        List<VirtualMachine> mine = labelled.stream()
                .filter(vm -> vm.getStatus() != null && config.name().equals(vm.getStatus().nodeName))
                .filter(vm -> vm.getMetadata().getDeletionTimestamp() == null)
                .toList();
        mine.forEach(finalizers::claim);
        // The domain goes before its taps, and the VM is released only once the node holds nothing of it.
        List<VirtualMachine> deleted = labelled.stream().filter(vm -> vm.getMetadata().getDeletionTimestamp() != null)
                .filter(vm -> compute == null || compute.cleanUp(vm)).toList();

        // The tenants this node serves: their VMs on every node give each network's DNS names.
        members.watch(mine.stream().filter(vm -> vm.getStatus().interfaces != null && !vm.getStatus().interfaces.isEmpty())
                .map(vm -> vm.getMetadata().getNamespace()).collect(Collectors.toSet()));
        NodeNetworkDesired desired = DesiredNetworks.of(config.name(), config.netns(), config.underlayIp().orElse("127.0.0.1"),
                config.underlayMtu(), mine, DesiredNetworks.byKey(networks.getStore().list()), nodes.getStore().list(),
                members.vms());
        NodeNetworkReport result = dataplane.apply(desired);
        if (!result.repaired().isEmpty()) {
            Optional<Hypervisor> self = Optional.ofNullable(nodes.getStore().getByKey(config.name()));
            Map<String, VirtualMachine> byUid = mine.stream()
                    .collect(Collectors.toMap(vm -> vm.getMetadata().getUid(), Function.identity(), (a, b) -> a));
            result.repaired().forEach(r -> repairEvents.record(r, self, byUid));
        }
        result.failures().forEach(f -> LOG.warnf("node %s: %s", config.name(), f));
        Map<String, ExternalReport> external = route(desired, mine);

        Map<String, VmCompute> computed = new HashMap<>();
        if (compute != null) {
            Map<String, OverlayNetwork> nets = DesiredNetworks.byKey(networks.getStore().list());
            for (VirtualMachine vm : mine) {
                computed.put(vm.getMetadata().getUid(), compute.reconcile(vm,
                        (ns, name) -> images.getStore().getByKey(ns + "/" + name), nets));
            }
            // An unsynced informer shows too few VMs: everything would look orphaned.
            if (vms.hasSynced()) {
                compute.collectOrphans(labelled.stream().map(vm -> vm.getMetadata().getUid()).collect(Collectors.toSet()));
            }
        }
        writeVmStatuses(mine, result, computed, external);
        // What is no longer desired here was removed by the apply: the node holds nothing of it.
        deleted.forEach(finalizers::release);
        report.update(entries(result), mine.size(),
                compute == null ? List.of() : compute.imageStates(images.getStore().list()));
    }

    /** Router services after the overlay (they build on its bridges and router namespaces); reports by port key. */
    private Map<String, ExternalReport> route(NodeNetworkDesired desired, List<VirtualMachine> mine) {
        if (routing == null) {
            return Map.of();
        }
        RoutingDesired wanted = DesiredRouting.of(desired, mine, DesiredNetworks.byKey(networks.getStore().list()),
                externals.getStore().list(), backend);
        RoutingReport routed;
        try {
            routed = routing.apply(wanted);
        } catch (RuntimeException e) {
            LOG.warnf(e, "routing on node %s failed", config.name());
            routed = RoutingReport.failed(wanted, "routing apply failed: " + e.getMessage());
        }
        routed.repairs().forEach(r -> {
            LOG.infof("node %s repaired drift: %s", config.name(), r);
            registry.counter("cirrus_node_repairs_total").increment();
        });
        routed.failures().forEach(f -> LOG.warnf("node %s: %s", config.name(), f));
        return routed.interfaces().stream()
                .collect(Collectors.toMap(r -> r.vmUid() + "/" + r.interfaceName(), Function.identity(), (a, b) -> a));
    }

    private void writeVmStatuses(List<VirtualMachine> mine, NodeNetworkReport result, Map<String, VmCompute> computed,
            Map<String, ExternalReport> external) {
        Map<String, PortReport> ports = result.ports().stream()
                .collect(Collectors.toMap(p -> p.vmUid() + "/" + p.interfaceName(), Function.identity(), (a, b) -> a));
        Map<String, NetworkReport> nets = result.networks().stream()
                .collect(Collectors.toMap(n -> n.namespace() + "/" + n.name(), Function.identity(), (a, b) -> a));
        for (VirtualMachine vm : mine) {
            VirtualMachineStatus next = VmNetworkStatus.next(vm, ports, nets);
            VmExternalStatus.apply(next, vm, external);
            VmCompute done = computed.get(vm.getMetadata().getUid());
            if (done != null) {
                VmComputeStatus.apply(next, done, Optional.ofNullable(vm.getMetadata().getGeneration()).orElse(0L), Instant.now());
            }
            if (Serialization.asJson(next).equals(Serialization.asJson(vm.getStatus()))) {
                continue;
            }
            VirtualMachine copy = Serialization.clone(vm);
            copy.setStatus(next);
            try {
                client.resource(copy).updateStatus();
            } catch (KubernetesClientException e) {
                // Someone (the operator) wrote meanwhile: the informer brings the new copy and a resync.
                requestResync();
            }
        }
    }

    private static List<NetworkEntry> entries(NodeNetworkReport result) {
        return result.networks().stream().map(n -> {
            NetworkEntry e = new NetworkEntry();
            e.namespace = n.namespace();
            e.name = n.name();
            e.vni = n.vni();
            e.state = n.ready() ? "Ready" : "Failed";
            e.message = n.message();
            return e;
        }).toList();
    }
}
