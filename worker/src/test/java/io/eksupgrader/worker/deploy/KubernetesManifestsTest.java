package io.eksupgrader.worker.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.eksupgrader.worker.HelmConfiguration;
import io.eksupgrader.worker.TemporalSettings;
import io.eksupgrader.worker.TemporalTlsSettings;
import io.eksupgrader.worker.WorkerApplication;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Keeps {@code deploy/kubernetes} in step with the worker: every YAML under {@code deploy/}
 * parses; the Deployment's environment and the ConfigMap's application.yml set only keys the
 * worker's own application.yml has; the probes hit the worker's port and paths it really serves;
 * the mounted files are where the configuration looks for them; nothing holds AWS keys. Nothing
 * here needs a cluster: the files are parsed and compared, and the probe paths asked of a worker
 * started against Temporal's test server.
 */
class KubernetesManifestsTest {

  private static final String DEPLOYMENT = "eks-upgrader-worker";
  private static final String CONTAINER = "worker";
  /** Environment variables Micronaut itself reads, not configuration keys. */
  private static final Set<String> MICRONAUT_OWN_VARIABLES = Set.of("MICRONAUT_CONFIG_FILES", "MICRONAUT_ENVIRONMENTS");

  private static Path repoRoot;
  private static Path manifests;
  /** Every YAML document under deploy/, by file. */
  private static Map<Path, List<Object>> documents;
  private static Map<String, Object> kustomization;
  /** The worker's built-in application.yml, flattened: eks-upgrader.temporal.target → value. */
  private static Map<String, Object> applicationYml;
  private static Map<String, Object> deployment;
  private static Map<String, Object> container;

  @BeforeAll
  static void load() throws IOException {
    repoRoot = findRepositoryRoot();
    manifests = repoRoot.resolve("deploy/kubernetes");
    documents = new LinkedHashMap<>();
    try (Stream<Path> files = Files.walk(repoRoot.resolve("deploy"))) {
      for (Path file : files.filter(KubernetesManifestsTest::isYaml).sorted().toList()) {
        List<Object> docs = new ArrayList<>();
        try {
          for (Object doc : yaml().loadAll(Files.readString(file))) {
            if (doc != null) {
              docs.add(doc);
            }
          }
        } catch (RuntimeException e) {
          fail("%s is not valid YAML: %s", repoRoot.relativize(file), e.getMessage());
        }
        documents.put(file, docs);
      }
    }
    kustomization = map(single(manifests.resolve("kustomization.yaml")), "kustomization.yaml");
    URL main = mainApplicationYml();
    try (InputStream in = main.openStream()) {
      applicationYml = flatten(map(yaml().load(new String(in.readAllBytes(), StandardCharsets.UTF_8)), main.toString()));
    }
    deployment = kubernetesObjects().stream()
        .filter(o -> "Deployment".equals(o.get("kind")) && DEPLOYMENT.equals(name(o)))
        .findFirst()
        .orElseGet(() -> fail("no Deployment %s in %s", DEPLOYMENT, manifests));
    container = containers(deployment).stream()
        .filter(c -> CONTAINER.equals(c.get("name")))
        .findFirst()
        .orElseGet(() -> fail("Deployment %s has no container %s", DEPLOYMENT, CONTAINER));
  }

  @Test
  void everyYamlUnderDeployParses() {
    assertThat(documents).as("YAML files under deploy/").isNotEmpty();
    assertThat(documents.keySet()).contains(manifests.resolve("deployment.yaml"));
  }

  @Test
  void theKustomizationListsExactlyTheManifestsBesideIt() throws IOException {
    List<String> resources = stringList(kustomization.get("resources"), "kustomization.yaml resources");
    for (String resource : resources) {
      assertThat(manifests.resolve(resource)).as("kustomization.yaml resource %s", resource).isRegularFile();
    }
    Set<String> generatorFiles = configMapGeneratorFiles().values().stream()
        .map(p -> manifests.relativize(p).toString()).collect(Collectors.toSet());
    try (Stream<Path> files = Files.list(manifests)) {
      List<String> unlisted = files.filter(KubernetesManifestsTest::isYaml)
          .map(p -> manifests.relativize(p).toString())
          .filter(f -> !f.equals("kustomization.yaml") && !resources.contains(f) && !generatorFiles.contains(f))
          .toList();
      assertThat(unlisted).as("YAML files in %s that kustomization.yaml does not use", manifests).isEmpty();
    }
  }

  @Test
  void severalReplicasAndADisruptionBudgetThatKeepsMostOfThem() {
    int replicas = ((Number) spec(deployment).get("replicas")).intValue();
    assertThat(replicas).as("Deployment %s replicas: more than one, so a stopped pod leaves pollers", DEPLOYMENT)
        .isGreaterThan(1);
    Map<String, Object> pdb = kubernetesObjects().stream()
        .filter(o -> "PodDisruptionBudget".equals(o.get("kind")))
        .findFirst()
        .orElseGet(() -> fail("no PodDisruptionBudget in %s", manifests));
    assertThat(map(map(spec(pdb).get("selector"), "PDB selector").get("matchLabels"), "PDB matchLabels"))
        .as("the PodDisruptionBudget selects the worker's pods")
        .isEqualTo(podLabels());
    Object maxUnavailable = spec(pdb).get("maxUnavailable");
    Object minAvailable = spec(pdb).get("minAvailable");
    assertThat(maxUnavailable != null || minAvailable != null).as("PDB sets maxUnavailable or minAvailable").isTrue();
    if (minAvailable instanceof Number n) {
      assertThat(n.intValue()).as("PDB minAvailable below replicas, or no drain could ever pass").isLessThan(replicas);
    }
  }

  @Test
  void environmentVariablesNameKeysOfTheWorkersApplicationYml() {
    Set<String> knownAsEnv = applicationYml.keySet().stream().map(KubernetesManifestsTest::asEnvironmentVariable)
        .collect(Collectors.toSet());
    for (Map<String, Object> env : env()) {
      String name = String.valueOf(env.get("name"));
      assertThat(name).as("no static AWS keys in the Deployment").isNotIn("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN");
      if ((name.startsWith("EKS_UPGRADER_") || name.startsWith("MICRONAUT_")) && !MICRONAUT_OWN_VARIABLES.contains(name)) {
        assertThat(knownAsEnv.contains(name))
            .as("env %s of container %s must name a key of worker/src/main/resources/application.yml", name, CONTAINER)
            .isTrue();
      }
    }
  }

  @Test
  void theConfigMapsApplicationYmlIsMountedWhereMicronautConfigFilesPointsAndSetsOnlyKnownKeys() throws IOException {
    String configFiles = envValue("MICRONAUT_CONFIG_FILES");
    assertThat(configFiles).as("env MICRONAUT_CONFIG_FILES of container %s", CONTAINER).isNotNull();
    Path file = Path.of(configFiles);
    Map<String, Object> mount = mountOf(file.toString());
    Map<String, Object> volume = volume(String.valueOf(mount.get("name")));
    Map<String, Object> configMap = map(volume.get("configMap"), "volume " + mount.get("name") + " configMap");
    Map<String, Path> generated = configMapGeneratorFiles(String.valueOf(configMap.get("name")));
    assertThat(generated)
        .as("configMapGenerator %s must hold %s (MICRONAUT_CONFIG_FILES)", configMap.get("name"), file.getFileName())
        .containsKey(file.getFileName().toString());

    Map<String, Object> overrides = overrides();
    assertThat(overrides).as("the ConfigMap's application.yml").isNotEmpty();
    for (String key : overrides.keySet()) {
      assertThat(applicationYml.containsKey(key))
          .as("%s sets %s, which the worker's application.yml does not have (a typo is ignored silently)",
              repoRoot.relativize(generated.get(file.getFileName().toString())), key)
          .isTrue();
    }
    for (String key : List.of("eks-upgrader.aws.access-key-id", "eks-upgrader.aws.secret-access-key", "eks-upgrader.aws.endpoint-override")) {
      assertThat(String.valueOf(overrides.getOrDefault(key, "")))
          .as("%s in the ConfigMap: real AWS and the default credential chain only", key)
          .isEmpty();
    }
  }

  @Test
  void theConfigMapsSettingsReachTheWorkersSettings() {
    Map<String, Object> overrides = overrides();
    Map<String, Object> properties = new HashMap<>(overrides);
    properties.put("eks-upgrader.worker.enabled", "false");
    try (ApplicationContext context = ApplicationContext.run(properties)) {
      TemporalSettings temporal = context.getBean(TemporalSettings.class);
      TemporalTlsSettings tls = context.getBean(TemporalTlsSettings.class);
      assertThat(temporal.getTarget()).isEqualTo(overrides.get("eks-upgrader.temporal.target"));
      assertThat(temporal.getNamespace()).isEqualTo(overrides.get("eks-upgrader.temporal.namespace"));
      assertThat(temporal.getTaskQueue()).isEqualTo(overrides.get("eks-upgrader.temporal.task-queue"));
      assertThat(tls.isEnabled()).isEqualTo(overrides.get("eks-upgrader.temporal.tls.enabled"));
      assertThat(tls.getCertFile()).isEqualTo(overrides.get("eks-upgrader.temporal.tls.cert-file"));
      assertThat(tls.getKeyFile()).isEqualTo(overrides.get("eks-upgrader.temporal.tls.key-file"));
      assertThat(context.getBean(HelmConfiguration.class).getWorkDirectory().toString())
          .isEqualTo(overrides.get("eks-upgrader.helm.work-directory"));
    }
  }

  @Test
  void theTemporalCertificatesAndApiKeyAreReadFromMountedSecrets() {
    Map<String, Object> overrides = overrides();
    List<String> fileKeys = List.of("eks-upgrader.temporal.tls.cert-file", "eks-upgrader.temporal.tls.key-file",
        "eks-upgrader.temporal.tls.ca-file", "eks-upgrader.temporal.api-key-file");
    int checked = 0;
    for (String key : fileKeys) {
      String path = String.valueOf(overrides.getOrDefault(key, ""));
      if (path.isBlank()) {
        continue;
      }
      checked++;
      Map<String, Object> mount = mountOf(path);
      Map<String, Object> volume = volume(String.valueOf(mount.get("name")));
      assertThat(volume).as("%s (%s) must be on a volume from a Secret", key, path).containsKey("secret");
    }
    assertThat(checked).as("the ConfigMap shows at least one Temporal TLS file").isPositive();
    for (String key : List.of("eks-upgrader.temporal.api-key")) {
      assertThat(String.valueOf(overrides.getOrDefault(key, ""))).as("%s never in a ConfigMap", key).isEmpty();
    }
  }

  @Test
  void noStaticAwsKeysAnywhereUnderDeploy() throws IOException {
    try (Stream<Path> files = Files.walk(repoRoot.resolve("deploy"))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(text).as("%s", repoRoot.relativize(file))
            .doesNotContain("AWS_ACCESS_KEY_ID")
            .doesNotContain("AWS_SECRET_ACCESS_KEY")
            .doesNotContainPattern("(AKIA|ASIA)[A-Z0-9]{16}");
      }
    }
  }

  @Test
  void probesHitTheWorkersPortAndHealthPaths() {
    int serverPort = serverPort();
    Map<String, Object> http = ports().stream()
        .filter(p -> "http".equals(p.get("name")))
        .findFirst()
        .orElseGet(() -> fail("container %s has no port named http", CONTAINER));
    assertThat(((Number) http.get("containerPort")).intValue())
        .as("containerPort http = micronaut.server.port").isEqualTo(serverPort);
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      Map<String, Object> get = map(map(container.get(probe), probe).get("httpGet"), probe + ".httpGet");
      Object port = get.get("port");
      assertThat(port.equals("http") || port.equals(serverPort))
          .as("%s port %s must be the worker's port (http or %d)", probe, port, serverPort).isTrue();
      assertThat(String.valueOf(get.get("path"))).as("%s path", probe).startsWith("/health");
    }
    Map<String, Object> annotations = map(map(template().get("metadata"), "template metadata").get("annotations"), "annotations");
    assertThat(annotations.get("prometheus.io/port")).as("prometheus.io/port").isEqualTo(String.valueOf(serverPort));
    Map<String, Object> service = kubernetesObjects().stream()
        .filter(o -> "Service".equals(o.get("kind")))
        .findFirst()
        .orElseGet(() -> fail("no Service in %s", manifests));
    assertThat(map(spec(service).get("selector"), "Service selector")).as("the Service selects the worker's pods").isEqualTo(podLabels());
    assertThat(listOfMaps(spec(service).get("ports"), "Service ports"))
        .anySatisfy(p -> assertThat(p.get("targetPort")).isIn("http", serverPort));
  }

  @Test
  void theProbePathsAnswer200FromARunningWorker() throws Exception {
    int temporalPort = freePort();
    Map<String, Object> p = new HashMap<>();
    p.put("eks-upgrader.temporal.target", "127.0.0.1:" + temporalPort);
    p.put("eks-upgrader.temporal.task-queue", "manifest-test");
    p.put("eks-upgrader.aws.endpoint-override", "http://127.0.0.1:9");
    p.put("eks-upgrader.aws.access-key-id", "sandbox");
    p.put("eks-upgrader.aws.secret-access-key", "sandbox");
    p.put("micronaut.server.port", -1);
    try (TestServer.PortBoundTestServer temporal = TestServer.createPortBoundServer(temporalPort);
        ApplicationContext worker = WorkerApplication.start(p)) {
      URI base = worker.getBean(EmbeddedServer.class).getURI();
      for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
        String path = String.valueOf(map(map(container.get(probe), probe).get("httpGet"), probe).get("path"));
        HttpResponse<String> response = HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s %s answered %s", probe, path, response.body()).isEqualTo(200);
      }
    }
  }

  @Test
  void nonRootWithAReadOnlyRootAndEveryWrittenPathOnAWritableVolume() {
    Map<String, Object> podSecurity = map(map(template().get("spec"), "pod spec").get("securityContext"), "pod securityContext");
    assertThat(podSecurity.get("runAsNonRoot")).as("pod runAsNonRoot").isEqualTo(true);
    assertThat(((Number) podSecurity.get("runAsUser")).intValue()).as("pod runAsUser").isPositive();
    Map<String, Object> security = map(container.get("securityContext"), "container securityContext");
    assertThat(security.get("readOnlyRootFilesystem")).as("readOnlyRootFilesystem").isEqualTo(true);
    assertThat(security.get("allowPrivilegeEscalation")).as("allowPrivilegeEscalation").isEqualTo(false);
    assertThat(stringList(map(security.get("capabilities"), "capabilities").get("drop"), "capabilities.drop")).contains("ALL");

    List<String> written = new ArrayList<>();
    String workDirectory = String.valueOf(overrides().getOrDefault("eks-upgrader.helm.work-directory",
        applicationYml.get("eks-upgrader.helm.work-directory")));
    written.add(workDirectory.replace("${java.io.tmpdir}", "/tmp"));
    for (String variable : List.of("HOME", "KUBECACHEDIR", "HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME")) {
      String value = envValue(variable);
      assertThat(value).as("env %s: the embedded Helm writes there, else under ~ on the read-only root", variable).isNotNull();
      written.add(value);
    }
    written.add("/tmp");
    for (String path : written) {
      Map<String, Object> mount = mountOf(path);
      assertThat(mount.get("readOnly")).as("mount for %s must be writable", path).isNotEqualTo(true);
      assertThat(volume(String.valueOf(mount.get("name")))).as("volume for %s", path).containsKey("emptyDir");
    }
  }

  @Test
  void requestsAndLimitsAreSetAndTheImageIsPinned() {
    Map<String, Object> resources = map(container.get("resources"), "resources");
    Map<String, Object> requests = map(resources.get("requests"), "resources.requests");
    assertThat(requests).as("resources.requests").containsKeys("cpu", "memory");
    assertThat(map(resources.get("limits"), "resources.limits")).as("resources.limits").containsKey("memory");
    String image = String.valueOf(container.get("image"));
    assertThat(image).as("image").contains(":").doesNotEndWith(":latest");
    List<Map<String, Object>> images = listOfMaps(kustomization.get("images"), "kustomization.yaml images");
    String imageName = image.substring(0, image.lastIndexOf(':'));
    assertThat(images).as("kustomization.yaml images replaces %s", imageName)
        .anySatisfy(i -> assertThat(i.get("name")).isEqualTo(imageName));
  }

  @Test
  void theServiceAccountExistsAndCarriesNoSecrets() {
    String account = String.valueOf(map(template().get("spec"), "pod spec").get("serviceAccountName"));
    Map<String, Object> serviceAccount = kubernetesObjects().stream()
        .filter(o -> "ServiceAccount".equals(o.get("kind")) && account.equals(name(o)))
        .findFirst()
        .orElseGet(() -> fail("no ServiceAccount %s in %s", account, manifests));
    assertThat(serviceAccount).doesNotContainKey("secrets");
    assertThat(kubernetesObjects()).as("no Secret's content in the manifests").noneMatch(o -> "Secret".equals(o.get("kind")));
  }

  @Test
  void kustomizeRendersItWithTheGeneratedConfigMapAndTheImageReplaced() throws Exception {
    Path kubectl = Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
        .map(dir -> Path.of(dir, "kubectl"))
        .filter(Files::isExecutable)
        .findFirst()
        .orElse(null);
    Assumptions.assumeTrue(kubectl != null, "kubectl is not on the PATH: kustomize rendering not checked");
    Process process = new ProcessBuilder(kubectl.toString(), "kustomize", manifests.toString())
        .redirectErrorStream(true)
        .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as("kubectl kustomize %s: %s", manifests, output).isZero();

    List<Map<String, Object>> rendered = new ArrayList<>();
    for (Object doc : yaml().loadAll(output)) {
      rendered.add(map(doc, "rendered object"));
    }
    Map<String, Object> configMap = rendered.stream().filter(o -> "ConfigMap".equals(o.get("kind"))).findFirst()
        .orElseGet(() -> fail("kustomize rendered no ConfigMap"));
    Map<String, Object> renderedDeployment = rendered.stream().filter(o -> "Deployment".equals(o.get("kind"))).findFirst()
        .orElseGet(() -> fail("kustomize rendered no Deployment"));
    Map<String, Object> podSpec = map(map(spec(renderedDeployment).get("template"), "template").get("spec"), "pod spec");
    assertThat(listOfMaps(podSpec.get("volumes"), "volumes"))
        .as("the Deployment mounts the generated ConfigMap by its hashed name")
        .anySatisfy(v -> assertThat(v.get("configMap")).isEqualTo(Map.of("name", name(configMap))));
    assertThat(rendered).as("every object in namespace eks-upgrader")
        .filteredOn(o -> !"Namespace".equals(o.get("kind")))
        .allSatisfy(o -> assertThat(map(o.get("metadata"), "metadata").get("namespace")).isEqualTo("eks-upgrader"));
    Map<String, Object> image = listOfMaps(kustomization.get("images"), "images").get(0);
    assertThat(listOfMaps(podSpec.get("containers"), "containers").get(0).get("image"))
        .isEqualTo(image.get("newName") + ":" + image.get("newTag"));
  }

  // ---------------------------------------------------------------------------------------------

  private static List<Map<String, Object>> kubernetesObjects() {
    List<Map<String, Object>> objects = new ArrayList<>();
    for (String resource : stringList(kustomization.get("resources"), "resources")) {
      for (Object doc : documents.getOrDefault(manifests.resolve(resource), List.of())) {
        Map<String, Object> object = map(doc, resource);
        if (object.containsKey("apiVersion") && object.containsKey("kind")) {
          objects.add(object);
        }
      }
    }
    return objects;
  }

  /** The ConfigMap's application.yml, flattened. */
  private static Map<String, Object> overrides() {
    Path file = configMapGeneratorFiles().get("application.yml");
    assertThat(file).as("configMapGenerator file application.yml").isNotNull();
    return flatten(map(single(file), manifests.relativize(file).toString()));
  }

  private static Map<String, Path> configMapGeneratorFiles() {
    Map<String, Path> all = new LinkedHashMap<>();
    for (Map<String, Object> generator : listOfMaps(kustomization.get("configMapGenerator"), "configMapGenerator")) {
      all.putAll(configMapGeneratorFiles(String.valueOf(generator.get("name"))));
    }
    return all;
  }

  /** The files of one configMapGenerator, by the key they get in the ConfigMap ("key=file" or the file's name). */
  private static Map<String, Path> configMapGeneratorFiles(String name) {
    Map<String, Path> files = new LinkedHashMap<>();
    for (Map<String, Object> generator : listOfMaps(kustomization.get("configMapGenerator"), "configMapGenerator")) {
      if (!name.equals(generator.get("name"))) {
        continue;
      }
      for (String entry : stringList(generator.get("files"), "configMapGenerator " + name + " files")) {
        int eq = entry.indexOf('=');
        Path file = manifests.resolve(eq < 0 ? entry : entry.substring(eq + 1));
        files.put(eq < 0 ? file.getFileName().toString() : entry.substring(0, eq), file);
      }
    }
    return files;
  }

  private static int serverPort() {
    Object port = overrides().getOrDefault("micronaut.server.port", applicationYml.get("micronaut.server.port"));
    return Integer.parseInt(String.valueOf(port));
  }

  /** The volume mount whose mount path is the longest prefix of path. */
  private static Map<String, Object> mountOf(String path) {
    return listOfMaps(container.get("volumeMounts"), "volumeMounts").stream()
        .filter(m -> {
          String mountPath = String.valueOf(m.get("mountPath")).replaceAll("/+$", "");
          return path.equals(mountPath) || path.startsWith(mountPath + "/");
        })
        .max((a, b) -> Integer.compare(String.valueOf(a.get("mountPath")).length(), String.valueOf(b.get("mountPath")).length()))
        .orElseGet(() -> fail("no volumeMount of container %s holds %s", CONTAINER, path));
  }

  private static Map<String, Object> volume(String name) {
    return listOfMaps(map(template().get("spec"), "pod spec").get("volumes"), "volumes").stream()
        .filter(v -> name.equals(v.get("name")))
        .findFirst()
        .orElseGet(() -> fail("no volume %s in Deployment %s", name, DEPLOYMENT));
  }

  private static List<Map<String, Object>> env() {
    return container.get("env") == null ? List.of() : listOfMaps(container.get("env"), "env");
  }

  private static String envValue(String name) {
    return env().stream().filter(e -> name.equals(e.get("name"))).map(e -> e.get("value"))
        .filter(v -> v != null).map(String::valueOf).findFirst().orElse(null);
  }

  private static List<Map<String, Object>> ports() {
    return listOfMaps(container.get("ports"), "ports");
  }

  private static Map<String, Object> template() {
    return map(spec(deployment).get("template"), "Deployment template");
  }

  private static Map<String, Object> podLabels() {
    return map(map(template().get("metadata"), "template metadata").get("labels"), "template labels");
  }

  private static List<Map<String, Object>> containers(Map<String, Object> deployment) {
    return listOfMaps(map(map(spec(deployment).get("template"), "template").get("spec"), "pod spec").get("containers"), "containers");
  }

  private static Map<String, Object> spec(Map<String, Object> object) {
    return map(object.get("spec"), object.get("kind") + " " + name(object) + " spec");
  }

  private static String name(Map<String, Object> object) {
    return String.valueOf(map(object.get("metadata"), "metadata").get("name"));
  }

  /** eks-upgrader.temporal.task-queue → EKS_UPGRADER_TEMPORAL_TASK_QUEUE, as Micronaut maps them. */
  private static String asEnvironmentVariable(String key) {
    return key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
  }

  private static Map<String, Object> flatten(Map<String, Object> tree) {
    Map<String, Object> flat = new LinkedHashMap<>();
    flatten("", tree, flat);
    return flat;
  }

  @SuppressWarnings("unchecked")
  private static void flatten(String prefix, Map<String, Object> tree, Map<String, Object> flat) {
    tree.forEach((key, value) -> {
      String path = prefix.isEmpty() ? String.valueOf(key) : prefix + "." + key;
      if (value instanceof Map<?, ?> m && !m.isEmpty()) {
        flatten(path, (Map<String, Object>) m, flat);
      } else {
        flat.put(path, value);
      }
    });
  }

  private static Object single(Path file) {
    List<Object> docs = documents.get(file);
    assertThat(docs).as("%s: one YAML document", file).isNotNull().hasSize(1);
    return docs.get(0);
  }

  private static URL mainApplicationYml() throws IOException {
    List<URL> found = Collections.list(KubernetesManifestsTest.class.getClassLoader().getResources("application.yml"));
    return found.stream().filter(url -> !url.toString().contains("/test-classes/")).findFirst()
        .orElseGet(() -> fail("the worker's application.yml is not on the class path"));
  }

  private static boolean isYaml(Path file) {
    String name = file.getFileName().toString();
    return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml"));
  }

  private static Yaml yaml() {
    return new Yaml(new SafeConstructor(new LoaderOptions()));
  }

  private static List<String> stringList(Object value, String what) {
    assertThat(value).as("%s must be a list", what).isInstanceOf(List.class);
    return ((List<?>) value).stream().map(String::valueOf).toList();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> listOfMaps(Object value, String what) {
    assertThat(value).as("%s must be a list", what).isInstanceOf(List.class);
    return ((List<Object>) value).stream().map(v -> map(v, what + " entry")).toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value, String what) {
    assertThat(value).as("%s must be a mapping", what).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static Path findRepositoryRoot() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("deploy/kubernetes")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    return fail("no deploy/kubernetes (beside a pom.xml) in %s or any parent directory", start);
  }
}
