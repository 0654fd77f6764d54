package dev.cirrus.operator.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.cirrus.api.CirrusApi;
import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VmPhase;
import dev.cirrus.operator.sim.SimulatedNode;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

/**
 * The control-plane benchmark (run by hack/bench-control-plane, not a test): a burst of VMs on
 * simulated nodes against a running operator; creation→Running latency, API writes per VM (from
 * the API server's request counters), and the operator's peak heap (from its /q/metrics).
 *
 * Arguments: kubeconfig operator-metrics-url run... where a run is vms:nodes:label[:clients], done in
 * order in this one JVM; clients is how many create the VMs at once (16 by default; 1 is what
 * {@code kubectl apply -f} of a list does: one create after the other). A run labelled "warmup..."
 * only warms up (the operator's JIT and this driver's) and prints nothing.
 */
public final class ControlPlaneBench {
    private static final Pattern HEAP = Pattern.compile("^jvm_memory_used_bytes\\{area=\"heap\"[^}]*} ([0-9.eE+]+)", Pattern.MULTILINE);
    private static final Pattern VM_WRITES = Pattern.compile(
            "^apiserver_request_total\\{([^}]*)} ([0-9.eE+]+)", Pattern.MULTILINE);

    public static void main(String[] args) throws Exception {
        String kubeconfig = Files.readString(Path.of(args[0]));
        String operatorMetrics = args[1];
        Config config = Config.fromKubeconfig(kubeconfig);
        config.setMaxConcurrentRequests(256);
        config.setMaxConcurrentRequestsPerHost(256);
        dev.cirrus.api.ClientCertificateIdentity.keepFixed(config);
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            ControlPlaneBench bench = new ControlPlaneBench(client, operatorMetrics);
            for (String run : java.util.Arrays.copyOfRange(args, 2, args.length)) {
                String[] p = run.split(":");
                String line = bench.run(Integer.parseInt(p[0]), Integer.parseInt(p[1]), p[2], p.length > 3 ? Integer.parseInt(p[3]) : 16);
                if (!p[2].startsWith("warmup")) {
                    System.out.println(line);
                }
            }
        }
        System.exit(0);
    }

    private final KubernetesClient client;
    private final String operatorMetrics;
    private final HttpClient http = HttpClient.newHttpClient();

    private ControlPlaneBench(KubernetesClient client, String operatorMetrics) {
        this.client = client;
        this.operatorMetrics = operatorMetrics;
    }

    private String run(int vmCount, int nodeCount, String label, int clients) throws Exception {
        String ns = "bench-" + label;
        client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).serverSideApply();
        List<SimulatedNode> nodes = new ArrayList<>();
        Map<String, SimulatedNode> byName = new ConcurrentHashMap<>();
        for (int i = 0; i < nodeCount; i++) {
            SimulatedNode node = new SimulatedNode(client, ns + "-node-" + i, 64, "256Gi", Map.of("pool", ns), Duration.ofSeconds(10));
            nodes.add(node);
            byName.put(node.name(), node);
        }
        int cidrBits = vmCount > 200 ? 20 : 24;
        client.resource("""
                apiVersion: cirrus.dev/v1alpha1
                kind: OverlayNetwork
                metadata: {name: net, namespace: %s}
                spec: {cidr: 10.100.0.0/%d}
                """.formatted(ns, cidrBits)).serverSideApply();
        client.resource("""
                apiVersion: cirrus.dev/v1alpha1
                kind: Image
                metadata: {name: kernel, namespace: %s}
                spec: {url: http://images.local/vmlinuz, checksum: sha256:%s, format: kernel}
                """.formatted(ns, "c".repeat(64))).serverSideApply();
        waitFor(() -> {
            OverlayNetwork n = client.resources(OverlayNetwork.class).inNamespace(ns).withName("net").get();
            return n.getStatus() != null && n.getStatus().vni != null;
        }, Duration.ofSeconds(60));
        waitFor(() -> nodes.stream().allMatch(SimulatedNode::ready), Duration.ofSeconds(60));

        Map<String, Long> created = new ConcurrentHashMap<>();
        Map<String, Long> running = new ConcurrentHashMap<>();
        Map<String, Long> placed = new ConcurrentHashMap<>();
        Map<String, Long> labelled = new ConcurrentHashMap<>();
        var informer = client.resources(VirtualMachine.class).inNamespace(ns).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(VirtualMachine vm) {
                onUpdate(null, vm);
            }

            @Override
            public void onUpdate(VirtualMachine old, VirtualMachine vm) {
                String node = vm.getMetadata().getLabels() == null ? null : vm.getMetadata().getLabels().get(CirrusApi.NODE_LABEL);
                if (vm.getStatus() != null && vm.getStatus().nodeName != null) {
                    placed.putIfAbsent(vm.getMetadata().getName(), System.nanoTime());
                }
                if (node != null) {
                    labelled.putIfAbsent(vm.getMetadata().getName(), System.nanoTime());
                }
                if (node != null && byName.containsKey(node)) {
                    byName.get(node).act(vm);
                }
                if (vm.getStatus() != null && vm.getStatus().phase == VmPhase.Running) {
                    running.putIfAbsent(vm.getMetadata().getName(), System.nanoTime());
                }
            }

            @Override
            public void onDelete(VirtualMachine vm, boolean unknown) {
            }
        });

        AtomicLong peakHeap = new AtomicLong();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> peakHeap.accumulateAndGet(operatorHeap(), Math::max), 0, 200, TimeUnit.MILLISECONDS);
        double writesBefore = vmWrites(false);
        double conflictsBefore = vmWrites(true);
        Map<String, Double> detailBefore = requestsByKind();

        Map<String, Long> cpuBefore = cpuTicks();
        long t0 = System.nanoTime();
        ExecutorService creators = Executors.newFixedThreadPool(clients);
        for (int i = 0; i < vmCount; i++) {
            String name = "vm-" + i;
            creators.submit(() -> {
                client.resource("""
                        apiVersion: cirrus.dev/v1alpha1
                        kind: VirtualMachine
                        metadata: {name: %s, namespace: %s}
                        spec:
                          memory: 128Mi
                          kernelBoot: {kernel: kernel}
                          nodeSelector: {pool: %s}
                          interfaces: [{name: eth0, network: net}]
                        """.formatted(name, ns, ns)).create();
                created.put(name, System.nanoTime());
            });
        }
        creators.shutdown();
        creators.awaitTermination(5, TimeUnit.MINUTES);
        boolean all = waitFor(() -> running.size() >= vmCount, Duration.ofMinutes(5));
        double allRunningSeconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Long> cpuAfter = cpuTicks();
        cpuAfter.forEach((who, ticks) -> System.out.printf("DETAIL %s cpu %s=%.1fms/vm%n", label, who,
                (ticks - cpuBefore.getOrDefault(who, 0L)) * 10.0 / vmCount));
        Thread.sleep(2000); // let trailing writes land before reading the counters
        double writesPerVm = (vmWrites(false) - writesBefore) / vmCount - 1;
        double conflictsPerVm = (vmWrites(true) - conflictsBefore) / vmCount;
        requestsByKind().forEach((kind, n) -> {
            double perVm = (n - detailBefore.getOrDefault(kind, 0.0)) / vmCount;
            if (perVm >= 0.01) {
                System.out.printf("DETAIL %s %s/vm=%.2f%n", label, kind, perVm);
            }
        });
        sampler.shutdownNow();
        informer.stop();

        System.out.printf("DETAIL %s creates-done=%.2fs%n", label, (created.values().stream().mapToLong(Long::longValue).max().orElse(t0) - t0) / 1e9);
        for (var stage : List.of(Map.entry("placed", placed), Map.entry("labelled", labelled), Map.entry("running", running))) {
            List<Double> l = new ArrayList<>();
            created.forEach((n, c) -> { Long r = stage.getValue().get(n); if (r != null) l.add((r - c) / 1e9); });
            Collections.sort(l);
            System.out.printf("DETAIL %s create->%s p50=%.3f p95=%.3f%n", label, stage.getKey(), pct(l, 50), pct(l, 95));
        }
        List<Double> latencies = new ArrayList<>();
        created.forEach((name, c) -> {
            Long r = running.get(name);
            if (r != null) {
                latencies.add(Math.max(0, r - c) / 1e9);
            }
        });
        Collections.sort(latencies);
        nodes.forEach(SimulatedNode::stopBeating);
        String metrics = scrape();
        double reconciles = metric(metrics, "cirrus_reconcile_seconds_count{kind=\"VirtualMachine\"");
        double reconcileSeconds = metric(metrics, "cirrus_reconcile_seconds_sum{kind=\"VirtualMachine\"");
        return String.format("BENCH %s vms=%d nodes=%d clients=%d running=%d%s all-running=%.1fs p50=%.3fs p95=%.3fs p99=%.3fs "
                        + "writes/vm=%.2f (excluding the user's create; 409 conflicts/vm=%.2f) operator-peak-heap=%.0fMiB "
                        + "vm-reconciles=%.0f mean-reconcile=%.1fms",
                label, vmCount, nodeCount, clients, running.size(), all ? "" : " (TIMEOUT)", allRunningSeconds,
                pct(latencies, 50), pct(latencies, 95), pct(latencies, 99), writesPerVm, conflictsPerVm, peakHeap.get() / 1048576.0,
                reconciles, reconciles == 0 ? 0 : reconcileSeconds / reconciles * 1000);
    }

    /** CPU time (clock ticks, 1/100 s) of the processes sharing the machine, by role, from /proc. */
    private static Map<String, Long> cpuTicks() {
        Map<String, Long> ticks = new java.util.TreeMap<>();
        long self = ProcessHandle.current().pid();
        ProcessHandle.allProcesses().forEach(p -> {
            String cmd = p.info().commandLine().orElse("");
            String role = p.pid() == self ? "driver" : cmd.contains("kube-apiserver") ? "apiserver"
                    : cmd.contains("quarkus-run.jar") ? "operator" : cmd.matches(".*/etcd( .*|$)") ? "etcd" : null;
            if (role == null) {
                return;
            }
            try {
                String[] stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat")).replaceAll(".*\\) ", "").split(" ");
                ticks.merge(role, Long.parseLong(stat[11]) + Long.parseLong(stat[12]), Long::sum);
            } catch (IOException | RuntimeException e) {
                // The process went away.
            }
        });
        return ticks;
    }

    private static double pct(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private String scrape() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(operatorMetrics)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    private static double metric(String body, String prefix) {
        return body.lines().filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private long operatorHeap() {
        {
            String body = scrape();
            Matcher m = HEAP.matcher(body);
            double sum = 0;
            while (m.find()) {
                sum += Double.parseDouble(m.group(1));
            }
            return (long) sum;
        }
    }

    /**
     * Writes to VirtualMachines (create, update, patch, apply; main resource and status) counted by the API server,
     * or only those answered 409 Conflict.
     */
    private double vmWrites(boolean conflictsOnly) {
        String body = client.raw("/metrics");
        Matcher m = VM_WRITES.matcher(body);
        double sum = 0;
        while (m.find()) {
            String labels = m.group(1);
            if (labels.contains("resource=\"virtualmachines\"") && labels.matches(".*verb=\"(POST|PUT|PATCH|APPLY)\".*")
                    && (!conflictsOnly || labels.contains("code=\"409\""))) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    /** API requests per resource, verb, subresource and answer code (printed as DETAIL lines, not recorded). */
    private Map<String, Double> requestsByKind() {
        Map<String, Double> byKind = new java.util.TreeMap<>();
        Matcher m = VM_WRITES.matcher(client.raw("/metrics"));
        while (m.find()) {
            String labels = m.group(1);
            if (labels.matches(".*verb=\"(POST|PUT|PATCH|APPLY|GET|LIST)\".*")) {
                String kind = labels.replaceAll(".*[^b]resource=\"([a-z]*)\".*", "$1") + ":" + labels.replaceAll(".*verb=\"([A-Z]+)\".*", "$1") + ":" + labels.replaceAll(".*subresource=\"([a-z]*)\".*", "$1")
                        + ":" + labels.replaceAll(".*code=\"([0-9]+)\".*", "$1");
                byKind.merge(kind, Double.parseDouble(m.group(2)), Double::sum);
            }
        }
        return byKind;
    }

    private static boolean waitFor(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }
}
