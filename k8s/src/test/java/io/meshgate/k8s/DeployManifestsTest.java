package io.meshgate.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapVolumeSource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.meshgate.config.ConfigException;
import io.meshgate.config.KubernetesService;
import io.meshgate.config.RouteConfig;
import io.meshgate.config.RouteConfigLoader;
import io.meshgate.config.Upstream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The manifests in {@code k8s/deploy} parse strictly with the fabric8 model and agree with what the
 * code really does: ports and probe paths with gateway-app's {@code application.yaml}, the route
 * mount with the {@code --meshgate.routes} argument and the ConfigMap, the route files with the loader,
 * the RBAC rules with {@link KubernetesPermissions}. kustomize is not needed: the test reads what the
 * {@code kustomization.yaml} files name.
 */
class DeployManifestsTest {

    private static final Path DEPLOY = Path.of("deploy");
    private static final Path BASE = DEPLOY.resolve("base");
    private static final Path PRODUCTION = DEPLOY.resolve("overlays/production");
    private static final Path GRAFANA = DEPLOY.resolve("grafana");
    private static final Path APPLICATION_YAML = Path.of("../gateway-app/src/main/resources/application.yaml");

    /**
     * Listeners the manifests expose before the application opens them: the public TLS and the mesh
     * listener are planned. When they land, take their ports from the application's properties here.
     */
    private static final Map<String, Integer> PLANNED_PORTS = Map.of("https", 8443, "mesh", 4143);

    // ---- kustomizations

    @SuppressWarnings("unchecked")
    private static Map<String, Object> kustomization(Path dir) {
        Map<String, Object> kustomization = new Yaml().load(StrictManifests.read(dir.resolve("kustomization.yaml")));
        assertThat(kustomization.get("apiVersion")).isEqualTo("kustomize.config.k8s.io/v1beta1");
        assertThat(kustomization.get("kind")).isEqualTo("Kustomization");
        assertThat(kustomization.keySet())
                .as("%s: keys kustomize knows (and this test reads)", dir)
                .isSubsetOf(
                        "apiVersion",
                        "kind",
                        "namespace",
                        "labels",
                        "resources",
                        "patches",
                        "images",
                        "configMapGenerator",
                        "generatorOptions");
        return kustomization;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Map<String, Object> map, String key) {
        return (List<String>) map.getOrDefault(key, List.of());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Map<String, Object> map, String key) {
        return (List<Map<String, Object>>) map.getOrDefault(key, List.of());
    }

    /** The base's manifest files (its other resources are kustomization directories). */
    private static List<String> baseFiles() {
        return strings(kustomization(BASE), "resources").stream()
                .filter(resource -> !Files.isDirectory(BASE.resolve(resource)))
                .toList();
    }

    /** The base's resources, parsed strictly, by kind/name. */
    private static Map<String, HasMetadata> baseResources() {
        Map<String, HasMetadata> resources = new LinkedHashMap<>();
        for (String file : baseFiles()) {
            HasMetadata resource = StrictManifests.parse(BASE.resolve(file));
            resources.put(resource.getKind() + "/" + resource.getMetadata().getName(), resource);
        }
        return resources;
    }

    private static <T extends HasMetadata> T base(Class<T> type, String name) {
        HasMetadata resource = baseResources().get(type.getSimpleName() + "/" + name);
        assertThat(resource).as("%s %s in the base", type.getSimpleName(), name).isInstanceOf(type);
        return type.cast(resource);
    }

    private static Set<String> yamlFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile)
                    .map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(".yaml") || name.endsWith(".yml"))
                    .filter(name -> !name.equals("kustomization.yaml"))
                    .collect(Collectors.toSet());
        }
    }

    @Test
    void theBaseListsEveryManifestItHoldsAndEachParsesStrictly() throws IOException {
        Map<String, Object> kustomization = kustomization(BASE);

        assertThat(new HashSet<>(baseFiles())).isEqualTo(yamlFiles(BASE));
        assertThat(strings(kustomization, "resources"))
                .as("directories the base includes")
                .contains("../grafana");
        assertThat(baseResources().keySet())
                .containsExactlyInAnyOrder(
                        "Namespace/meshgate",
                        "ServiceAccount/meshgate",
                        "ClusterRole/meshgate-discovery",
                        "ClusterRoleBinding/meshgate-discovery",
                        "Deployment/meshgate",
                        "Service/meshgate",
                        "Service/meshgate-mesh",
                        "PodDisruptionBudget/meshgate",
                        "HorizontalPodAutoscaler/meshgate");
        String namespace = (String) kustomization.get("namespace");
        assertThat(base(Namespace.class, namespace)).isNotNull();
        baseResources().values().stream()
                .filter(resource -> resource.getMetadata().getNamespace() != null)
                .forEach(resource -> assertThat(resource.getMetadata().getNamespace())
                        .as(resource.getKind())
                        .isEqualTo(namespace));
    }

    @Test
    void theOverlayNamesExistingFilesThatParseStrictlyAndPatchResourcesOfTheBase() throws IOException {
        Map<String, Object> kustomization = kustomization(PRODUCTION);
        Set<String> named = new HashSet<>();
        for (String resource : strings(kustomization, "resources")) {
            if (resource.equals("../../base")) {
                continue;
            }
            named.add(resource);
            StrictManifests.parse(PRODUCTION.resolve(resource));
        }
        assertThat(strings(kustomization, "resources")).contains("../../base");
        Map<String, HasMetadata> base = baseResources();
        for (Map<String, Object> patch : maps(kustomization, "patches")) {
            String file = (String) patch.get("path");
            named.add(file);
            HasMetadata patched = StrictManifests.parse(PRODUCTION.resolve(file));
            assertThat(base)
                    .as("%s patches a resource of the base", file)
                    .containsKey(patched.getKind() + "/" + patched.getMetadata().getName());
        }
        assertThat(named).isEqualTo(yamlFiles(PRODUCTION));
        assertThat(StrictManifests.isDeletePatch(PRODUCTION.resolve("clusterrolebinding-delete.yaml")))
                .isTrue();
        RoleBinding shop = (RoleBinding) StrictManifests.parse(PRODUCTION.resolve("rolebinding-shop.yaml"));
        ClusterRole role = base(ClusterRole.class, "meshgate-discovery");
        assertThat(shop.getRoleRef().getKind()).isEqualTo("ClusterRole");
        assertThat(shop.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(shop.getSubjects())
                .containsExactlyElementsOf(discoveryBinding().getSubjects());
    }

    @Test
    void aManifestWithAnUnknownFieldIsRejected(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("deployment.yaml");
        Files.writeString(
                bad,
                StrictManifests.read(BASE.resolve("deployment.yaml"))
                        .replace("periodSeconds: 5", "periodSeconds: 5\n            initialDelay: 3"));

        assertThatThrownBy(() -> StrictManifests.parse(bad)).hasMessageContaining("readinessProbe: [initialDelay]");
    }

    // ---- the application

    /** gateway-app's application.yaml, all documents, flattened to dotted keys (later documents win). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> application() {
        Map<String, Object> flat = new LinkedHashMap<>();
        for (Object document : new Yaml().loadAll(StrictManifests.read(APPLICATION_YAML))) {
            if (document instanceof Map<?, ?> map) {
                flatten("", (Map<String, Object>) map, flat);
            }
        }
        return flat;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> map, Map<String, Object> flat) {
        map.forEach((key, value) -> {
            String name = prefix.isEmpty() ? key : prefix + "." + key;
            if (value instanceof Map<?, ?> nested) {
                flatten(name, (Map<String, Object>) nested, flat);
            } else {
                flat.put(name, value);
            }
        });
    }

    /** A Spring duration in whole seconds ("30s", "1m"). */
    private static long seconds(Object value) {
        return Duration.parse("PT" + String.valueOf(value).toUpperCase(java.util.Locale.ROOT))
                .toSeconds();
    }

    private static Deployment deployment() {
        return base(Deployment.class, "meshgate");
    }

    private static PodSpec pod() {
        return deployment().getSpec().getTemplate().getSpec();
    }

    private static Container container() {
        assertThat(pod().getContainers()).hasSize(1);
        return pod().getContainers().get(0);
    }

    private static Map<String, Integer> containerPorts() {
        return container().getPorts().stream()
                .collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort));
    }

    private static String arg(String name) {
        List<String> values = container().getArgs().stream()
                .filter(arg -> arg.startsWith("--" + name + "="))
                .map(arg -> arg.substring(name.length() + 3))
                .toList();
        assertThat(values).as("argument --%s", name).hasSize(1);
        return values.get(0);
    }

    @Test
    void containerPortsAreThePortsTheApplicationListensOn() {
        Map<String, Object> application = application();
        Map<String, Integer> expected = new LinkedHashMap<>(PLANNED_PORTS);
        expected.put("http", (Integer) application.get("server.port"));
        expected.put("admin", (Integer) application.get("management.server.port"));

        assertThat(containerPorts()).isEqualTo(expected);
        // The admin port is loopback-only by default: the kubelet's probes need it on the pod address.
        assertThat(application.get("management.server.address")).isEqualTo("127.0.0.1");
        assertThat(arg("management.server.address")).isEqualTo("0.0.0.0");
        assertThat(deployment().getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", String.valueOf(application.get("management.server.port")))
                .containsEntry("prometheus.io/path", actuatorBasePath(application) + "/prometheus");
        assertThat(String.valueOf(application.get("management.endpoints.web.exposure.include")))
                .contains("prometheus");
    }

    private static String actuatorBasePath(Map<String, Object> application) {
        return (String) application.getOrDefault("management.endpoints.web.base-path", "/actuator");
    }

    @Test
    void probesUseTheApplicationsHealthGroupsOnTheAdminPort() {
        Map<String, Object> application = application();
        assertThat(application.get("management.endpoint.health.probes.enabled")).isEqualTo(true);
        String health = actuatorBasePath(application) + "/health";
        Container container = container();

        assertThat(probe(container.getLivenessProbe().getHttpGet())).isEqualTo(health + "/liveness on admin");
        assertThat(probe(container.getStartupProbe().getHttpGet())).isEqualTo(health + "/liveness on admin");
        assertThat(probe(container.getReadinessProbe().getHttpGet())).isEqualTo(health + "/readiness on admin");
    }

    private static String probe(HTTPGetAction get) {
        assertThat(containerPorts()).containsKey(get.getPort().getStrVal());
        return get.getPath() + " on " + get.getPort().getStrVal();
    }

    @Test
    void servicesTargetNamedContainerPortsOfTheGatewayPods() {
        Map<String, String> podLabels =
                deployment().getSpec().getTemplate().getMetadata().getLabels();
        Service ingress = base(Service.class, "meshgate");
        Service mesh = base(Service.class, "meshgate-mesh");

        assertThat(ingress.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(ports(ingress)).isEqualTo(Map.of(80, "http", 443, "https"));
        assertThat(mesh.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(ports(mesh)).isEqualTo(Map.of(4143, "mesh"));
        for (Service service : List.of(ingress, mesh)) {
            assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
            assertThat(containerPorts()).containsKeys(ports(service).values().toArray(String[]::new));
        }
        assertThat(deployment().getSpec().getSelector().getMatchLabels())
                .isEqualTo(ingress.getSpec().getSelector());
    }

    private static Map<Integer, String> ports(Service service) {
        return service.getSpec().getPorts().stream()
                .collect(Collectors.toMap(
                        ServicePort::getPort, port -> port.getTargetPort().getStrVal()));
    }

    @Test
    void theRouteFilesAreMountedAsADirectoryWhereTheRoutesArgumentPoints() {
        String routes = arg("meshgate.routes");
        List<VolumeMount> mounts = container().getVolumeMounts().stream()
                .filter(mount -> mount.getMountPath().equals(routes))
                .toList();
        assertThat(mounts).hasSize(1);
        VolumeMount mount = mounts.get(0);
        // subPath mounts never see ConfigMap updates: the directory must be mounted whole.
        assertThat(mount.getSubPath()).isNull();
        assertThat(mount.getReadOnly()).isTrue();
        Volume volume = pod().getVolumes().stream()
                .filter(v -> v.getName().equals(mount.getName()))
                .findFirst()
                .orElseThrow();
        ConfigMapVolumeSource configMap = volume.getConfigMap();
        assertThat(configMap).isNotNull();
        assertThat(configMap.getItems())
                .as("every file of the ConfigMap is mounted")
                .isNullOrEmpty();

        Map<String, Object> generator =
                maps(kustomization(BASE), "configMapGenerator").get(0);
        assertThat(generator.get("name")).isEqualTo(configMap.getName());
        assertThat(kustomization(BASE).get("generatorOptions"))
                .as("no name hash, so route edits update the mounted ConfigMap in place")
                .isEqualTo(Map.of("disableNameSuffixHash", true));
    }

    @Test
    void theConfigMapsRouteFilesLoad(@TempDir Path temp) throws Exception {
        RouteConfig base = loadGenerated(BASE, temp.resolve("base"));
        assertThat(kubernetesServices(base)).isNotEmpty();
        RouteConfig production = loadGenerated(PRODUCTION, temp.resolve("production"));
        assertThat(production.routes()).hasSizeGreaterThanOrEqualTo(2);
        // Production grants discovery per namespace: every namespace its routes use has a RoleBinding.
        Set<String> namespaces = kubernetesServices(production).stream()
                .map(KubernetesService::namespace)
                .collect(Collectors.toSet());
        Set<String> granted = new HashSet<>();
        for (String resource : strings(kustomization(PRODUCTION), "resources")) {
            if (!resource.startsWith("..")
                    && StrictManifests.parse(PRODUCTION.resolve(resource)) instanceof RoleBinding binding) {
                granted.add(binding.getMetadata().getNamespace());
            }
        }
        assertThat(granted).containsAll(namespaces);
    }

    /** Writes the generated ConfigMap's files as the kubelet mounts them, and loads the directory. */
    private static RouteConfig loadGenerated(Path dir, Path mounted) throws IOException, ConfigException {
        Files.createDirectories(mounted);
        Map<String, Object> generator =
                maps(kustomization(dir), "configMapGenerator").get(0);
        for (String file : strings(generator, "files")) {
            Path source = dir.resolve(file);
            assertThat(source).exists();
            Files.copy(source, mounted.resolve(source.getFileName()));
        }
        return RouteConfigLoader.load(mounted);
    }

    private static List<KubernetesService> kubernetesServices(RouteConfig config) {
        return config.upstreams().values().stream()
                .map(Upstream::source)
                .filter(KubernetesService.class::isInstance)
                .map(KubernetesService.class::cast)
                .toList();
    }

    // ---- Grafana

    @Test
    void theDashboardIsAConfigMapForGrafanasSidecarInTheGatewaysNamespace() throws IOException {
        Map<String, Object> kustomization = kustomization(GRAFANA);
        assertThat(kustomization.get("namespace")).isEqualTo(kustomization(BASE).get("namespace"));
        List<Map<String, Object>> generators = maps(kustomization, "configMapGenerator");
        assertThat(generators).hasSize(1);
        Map<String, Object> generator = generators.get(0);
        assertThat(generator.get("name")).isEqualTo("meshgate-grafana-dashboard");
        @SuppressWarnings("unchecked")
        Map<String, Object> options = (Map<String, Object>) generator.get("options");
        // The label the Grafana and kube-prometheus-stack charts' dashboard sidecar looks for.
        assertThat(options.get("labels")).isEqualTo(Map.of("grafana_dashboard", "1"));
        assertThat(kustomization.get("generatorOptions")).isEqualTo(Map.of("disableNameSuffixHash", true));
        assertThat(strings(generator, "files")).containsExactly("meshgate-dashboard.json");

        Path dashboard = GRAFANA.resolve("meshgate-dashboard.json");
        // kubectl apply keeps a copy in an annotation limited to 256 KiB; ConfigMaps to 1 MiB.
        assertThat(Files.size(dashboard)).isLessThan(200_000);
        com.fasterxml.jackson.databind.JsonNode json =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(dashboard.toFile());
        assertThat(json.path("uid").asText()).isNotEmpty();
        assertThat(json.path("panels").size()).isGreaterThan(10);
        try (Stream<Path> files = Files.list(GRAFANA)) {
            assertThat(files.map(path -> path.getFileName().toString()))
                    .containsExactlyInAnyOrder("kustomization.yaml", "meshgate-dashboard.json");
        }
    }

    // ---- RBAC

    private static ClusterRoleBinding discoveryBinding() {
        return base(ClusterRoleBinding.class, "meshgate-discovery");
    }

    @Test
    void theRoleGrantsExactlyWhatDiscoveryUses() {
        ClusterRole role = base(ClusterRole.class, "meshgate-discovery");
        Set<String> granted = new HashSet<>();
        for (PolicyRule rule : role.getRules()) {
            assertThat(rule.getResourceNames()).isNullOrEmpty();
            assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    rule.getVerbs().forEach(verb -> granted.add(group + " " + resource + " " + verb));
                }
            }
        }
        Set<String> used = new HashSet<>();
        for (KubernetesPermissions.Rule rule : KubernetesPermissions.REQUIRED) {
            rule.verbs().forEach(verb -> used.add(rule.apiGroup() + " " + rule.resource() + " " + verb));
        }

        assertThat(granted).isEqualTo(used);
    }

    @Test
    void theGatewayRunsAsTheServiceAccountTheRoleIsBoundTo() {
        ServiceAccount account = base(ServiceAccount.class, "meshgate");
        ClusterRoleBinding binding = discoveryBinding();

        assertThat(pod().getServiceAccountName())
                .isEqualTo(account.getMetadata().getName());
        assertThat(pod().getAutomountServiceAccountToken()).isNotEqualTo(false);
        assertThat(binding.getRoleRef().getName()).isEqualTo("meshgate-discovery");
        assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
        assertThat(binding.getSubjects())
                .extracting(Subject::getKind, Subject::getName, Subject::getNamespace)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        "ServiceAccount",
                        account.getMetadata().getName(),
                        account.getMetadata().getNamespace()));
        // Discovery switches itself on in a pod (meshgate.kubernetes.enabled=auto).
        assertThat(application().get("meshgate.kubernetes.enabled")).isEqualTo("auto");
    }

    // ---- running it well

    @Test
    void podsRunNonRootReadOnlyAndDrainBeforeTheyStop() {
        Map<String, Object> application = application();
        PodSpec pod = pod();
        Container container = container();

        assertThat(deployment().getSpec().getReplicas()).isEqualTo(2);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        // A read-only root needs a writable temporary directory, and the JVM must use it.
        assertThat(container.getVolumeMounts())
                .anySatisfy(mount -> assertThat(mount.getMountPath()).isEqualTo("/tmp"));
        String javaOptions = container.getEnv().stream()
                .filter(env -> env.getName().equals("JAVA_TOOL_OPTIONS"))
                .findFirst()
                .orElseThrow()
                .getValue();
        assertThat(javaOptions).contains("-XX:MaxRAMPercentage=").contains("-Djava.io.tmpdir=/tmp");

        assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(container.getResources().getLimits()).containsKeys("memory");

        // SIGTERM: readiness turns 503 at once and the gateway keeps accepting for the drain delay while
        // the endpoint removal spreads (no preStop hook needed), then Spring drains in-flight requests.
        assertThat(application.get("server.shutdown")).isEqualTo("graceful");
        long drain = seconds(application.getOrDefault("spring.lifecycle.timeout-per-shutdown-phase", "30s"));
        long drainDelay = seconds(arg("meshgate.shutdown.drain-delay"));
        assertThat(drainDelay).isPositive().isLessThan(drain);
        assertThat(container.getLifecycle())
                .as("no preStop hook: the gateway drains itself")
                .isNull();
        assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(drainDelay + drain);

        assertThat(pod.getAffinity().getPodAntiAffinity()).isNotNull();
        Map<String, String> podLabels =
                deployment().getSpec().getTemplate().getMetadata().getLabels();
        assertThat(pod.getAffinity()
                        .getPodAntiAffinity()
                        .getPreferredDuringSchedulingIgnoredDuringExecution()
                        .get(0)
                        .getPodAffinityTerm()
                        .getLabelSelector()
                        .getMatchLabels())
                .isEqualTo(podLabels);
    }

    @Test
    void disruptionBudgetAndAutoscalerKeepTwoReplicasOfThisDeployment() {
        Map<String, String> podLabels =
                deployment().getSpec().getTemplate().getMetadata().getLabels();
        PodDisruptionBudget budget = base(PodDisruptionBudget.class, "meshgate");
        HorizontalPodAutoscaler autoscaler = base(HorizontalPodAutoscaler.class, "meshgate");

        assertThat(podLabels)
                .containsAllEntriesOf(budget.getSpec().getSelector().getMatchLabels());
        assertThat(budget.getSpec().getMaxUnavailable().getIntVal())
                .isLessThan(deployment().getSpec().getReplicas());
        assertThat(autoscaler.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(autoscaler.getSpec().getScaleTargetRef().getName()).isEqualTo("meshgate");
        assertThat(autoscaler.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);
        assertThat(autoscaler.getSpec().getMaxReplicas())
                .isGreaterThan(autoscaler.getSpec().getMinReplicas());
        List<String> kinds = new ArrayList<>();
        baseResources().values().forEach(resource -> kinds.add(resource.getKind()));
        assertThat(kinds).contains("PodDisruptionBudget", "HorizontalPodAutoscaler");
    }
}
