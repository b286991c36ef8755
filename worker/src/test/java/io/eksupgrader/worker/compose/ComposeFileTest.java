package io.eksupgrader.worker.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.eksupgrader.workflows.upgrade.UpgradeSearchAttributes;
import io.temporal.common.SearchAttributeKey;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks that {@code docker-compose.yml} and {@code worker/Dockerfile} agree with the worker's
 * {@code application.yml} and with the workflows' search attributes. Nothing here runs Docker: the
 * files are parsed and compared.
 */
class ComposeFileTest {

  private static final String POSTGRESQL = "postgresql";
  private static final String TEMPORAL = "temporal";
  private static final String TEMPORAL_UI = "temporal-ui";
  private static final String WORKER = "worker";
  /** The one-shot service that creates the namespace and registers the search attributes. */
  private static final String REGISTRATION = "temporal-namespace-setup";

  /** Temporal's frontend gRPC port inside its container. */
  private static final int TEMPORAL_FRONTEND_PORT = 7233;
  /** temporalio/ui listens here unless TEMPORAL_UI_PORT says otherwise. */
  private static final int TEMPORAL_UI_DEFAULT_PORT = 8080;

  private static final List<String> AWS_PASS_THROUGH =
      List.of("AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE");

  private static Path repoRoot;
  private static Path composeFile;
  private static Map<String, Object> services;
  private static Map<String, Object> applicationYml;

  @BeforeAll
  static void load() throws IOException {
    repoRoot = findDirectoryWithComposeFile();
    composeFile = repoRoot.resolve("docker-compose.yml");
    Map<String, Object> compose = map(parseYaml(Files.readString(composeFile)), "docker-compose.yml");
    assertThat(compose).as("docker-compose.yml top level").containsKey("services");
    services = map(compose.get("services"), "services");
    URL mainConfig = mainApplicationYml();
    try (InputStream in = mainConfig.openStream()) {
      applicationYml = map(parseYaml(new String(in.readAllBytes(), StandardCharsets.UTF_8)), mainConfig.toString());
    }
  }

  /** The worker's own application.yml, not one a test resource folder might add in front of it. */
  private static URL mainApplicationYml() throws IOException {
    List<URL> found = Collections.list(ComposeFileTest.class.getClassLoader().getResources("application.yml"));
    assertThat(found).as("the worker's application.yml on the class path").isNotEmpty();
    return found.stream()
        .filter(url -> !url.toString().contains("/test-classes/"))
        .findFirst()
        .orElse(found.get(0));
  }

  @Test
  void requiredServicesExist() {
    assertThat(services.keySet())
        .as("services in %s", composeFile)
        .contains(POSTGRESQL, TEMPORAL, REGISTRATION, TEMPORAL_UI, WORKER);
  }

  @Test
  void temporalIsBackedByThePostgresqlServiceWithAVolume() {
    Map<String, String> env = env(TEMPORAL);
    assertThat(env.get("DB"))
        .as("service '%s' env DB (the persistence plugin)", TEMPORAL)
        .isNotNull()
        .startsWith("postgres");
    assertThat(env.get("POSTGRES_SEEDS"))
        .as("service '%s' env POSTGRES_SEEDS must name the database service", TEMPORAL)
        .isEqualTo(POSTGRESQL);
    assertThat(volumes(POSTGRESQL))
        .as("service '%s' keeps its data in a volume", POSTGRESQL)
        .anySatisfy(v -> assertThat(v).contains(":/var/lib/postgresql/data"));
  }

  @Test
  void temporalPublishesItsFrontendPort() {
    assertThat(ports(TEMPORAL))
        .as("service '%s' must publish the frontend port %d (the CLI's default localhost:%d)",
            TEMPORAL, TEMPORAL_FRONTEND_PORT, TEMPORAL_FRONTEND_PORT)
        .anySatisfy(p -> {
          assertThat(p.target()).isEqualTo(TEMPORAL_FRONTEND_PORT);
          assertThat(p.published()).isEqualTo(TEMPORAL_FRONTEND_PORT);
        });
  }

  @Test
  void workerTargetsTheTemporalFrontend() {
    String target = env(WORKER).get("EKS_UPGRADER_TEMPORAL_TARGET");
    assertThat(target)
        .as("service '%s' env EKS_UPGRADER_TEMPORAL_TARGET (otherwise application.yml's %s is used, "
            + "which is not the temporal container)", WORKER, appValue("eks-upgrader.temporal.target"))
        .isNotNull();
    assertFrontendAddress(target, "service '" + WORKER + "' env EKS_UPGRADER_TEMPORAL_TARGET");
  }

  @Test
  void workerNamespaceAndTaskQueueMatchApplicationYml() {
    Map<String, String> env = env(WORKER);
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("EKS_UPGRADER_TEMPORAL_NAMESPACE", appValue("eks-upgrader.temporal.namespace"));
    expected.put("EKS_UPGRADER_TEMPORAL_TASK_QUEUE", appValue("eks-upgrader.temporal.task-queue"));
    expected.forEach((name, value) -> {
      if (env.containsKey(name)) {
        assertThat(env.get(name))
            .as("service '%s' env %s must equal application.yml's value", WORKER, name)
            .isEqualTo(value);
      }
    });
  }

  @Test
  void searchAttributesAndUiUseTheWorkersNamespace() {
    String namespace = workerNamespace();
    assertThat(env(REGISTRATION).get("TEMPORAL_NAMESPACE"))
        .as("service '%s' env TEMPORAL_NAMESPACE: the search attributes must be registered where the "
            + "worker runs its workflows", REGISTRATION)
        .isEqualTo(namespace);
    String uiNamespace = env(TEMPORAL_UI).get("TEMPORAL_DEFAULT_NAMESPACE");
    if (uiNamespace != null) {
      assertThat(uiNamespace)
          .as("service '%s' env TEMPORAL_DEFAULT_NAMESPACE", TEMPORAL_UI)
          .isEqualTo(namespace);
    }
  }

  @Test
  void workerPublishesItsServerPort() {
    int port = workerServerPort();
    assertThat(ports(WORKER))
        .as("service '%s' must publish its HTTP port %d (micronaut.server.port: /health)", WORKER, port)
        .anySatisfy(p -> {
          assertThat(p.target()).isEqualTo(port);
          assertThat(p.published()).isNotNull();
        });
  }

  @Test
  void workerIsBuiltFromWorkerDockerfileThatExposesItsPort() throws IOException {
    Object build = service(WORKER).get("build");
    assertThat(build).as("service '%s' must be built (build: {context, dockerfile})", WORKER).isInstanceOf(Map.class);
    Map<String, Object> buildMap = map(build, "worker build");
    Path context = composeFile.getParent().resolve(String.valueOf(buildMap.getOrDefault("context", "."))).normalize();
    assertThat(context)
        .as("service '%s' build context must be the repository root (the Dockerfile copies every module)", WORKER)
        .isEqualTo(repoRoot.normalize());
    assertThat(buildMap.get("dockerfile"))
        .as("service '%s' build dockerfile", WORKER)
        .isEqualTo("worker/Dockerfile");
    Path dockerfile = context.resolve("worker/Dockerfile");
    assertThat(dockerfile).as("the worker's Dockerfile").isRegularFile();
    assertThat(exposedPorts(Files.readString(dockerfile)))
        .as("EXPOSE in %s must include the worker's HTTP port", dockerfile)
        .contains(workerServerPort());
  }

  @Test
  void dockerfileCopiesEveryReactorModulePom() throws Exception {
    List<String> modules = reactorModules();
    assertThat(modules).as("<modules> of %s", repoRoot.resolve("pom.xml")).isNotEmpty();
    List<List<String>> copySources = copySources(Files.readString(repoRoot.resolve("worker/Dockerfile")));
    for (String module : modules) {
      boolean copied = copySources.stream().flatMap(List::stream)
          .anyMatch(s -> s.equals(module) || s.equals(module + "/") || s.equals(module + "/pom.xml"));
      assertThat(copied)
          .as("worker/Dockerfile must COPY %s/pom.xml: Maven reads every module of the reactor, even with -pl",
              module)
          .isTrue();
    }
  }

  @Test
  void uiPointsAtTemporalWithSignalsEnabled() {
    Map<String, String> env = env(TEMPORAL_UI);
    String address = env.get("TEMPORAL_ADDRESS");
    assertThat(address)
        .as("service '%s' env TEMPORAL_ADDRESS (the UI's default 127.0.0.1:7233 is its own container)", TEMPORAL_UI)
        .isNotNull();
    assertFrontendAddress(address, "service '" + TEMPORAL_UI + "' env TEMPORAL_ADDRESS");
    for (String disabling : List.of("TEMPORAL_DISABLE_WRITE_ACTIONS", "TEMPORAL_WORKFLOW_SIGNAL_DISABLED")) {
      if (env.containsKey(disabling)) {
        assertThat(env.get(disabling))
            .as("service '%s' env %s: approvals are sent with the UI's Send Signal", TEMPORAL_UI, disabling)
            .isEqualToIgnoringCase("false");
      }
    }
    int uiPort = env.containsKey("TEMPORAL_UI_PORT")
        ? Integer.parseInt(env.get("TEMPORAL_UI_PORT"))
        : TEMPORAL_UI_DEFAULT_PORT;
    assertThat(ports(TEMPORAL_UI))
        .as("service '%s' must publish its port %d", TEMPORAL_UI, uiPort)
        .anySatisfy(p -> {
          assertThat(p.target()).isEqualTo(uiPort);
          assertThat(p.published()).isNotNull();
        });
  }

  @Test
  void registrationRegistersExactlyTheWorkflowSearchAttributesAsKeyword() {
    List<String> expected = UpgradeSearchAttributes.ALL.stream().map(SearchAttributeKey::getName).toList();
    List<String> args = stringList(service(REGISTRATION).get("command"),
        "service '" + REGISTRATION + "' command (one Name=Type per search attribute)");
    List<String> names = new ArrayList<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      assertThat(eq).as("service '%s' command argument '%s' must be Name=Type", REGISTRATION, arg).isPositive();
      names.add(arg.substring(0, eq));
      assertThat(arg.substring(eq + 1))
          .as("type of search attribute %s in service '%s' (workflows upsert String values: Keyword)",
              arg.substring(0, eq), REGISTRATION)
          .isEqualTo("Keyword");
    }
    assertThat(names)
        .as("search attributes registered by service '%s' vs UpgradeSearchAttributes.ALL", REGISTRATION)
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(expected);

    String script = String.join("\n", stringList(service(REGISTRATION).get("entrypoint"),
        "service '" + REGISTRATION + "' entrypoint"));
    assertThat(script)
        .as("service '%s' entrypoint must register each Name=Type argument", REGISTRATION)
        .contains("temporal operator search-attribute create")
        .contains("--name")
        .contains("--type")
        .contains("--namespace")
        .contains("\"$$@\"");
    String address = env(REGISTRATION).get("TEMPORAL_ADDRESS");
    assertThat(address).as("service '%s' env TEMPORAL_ADDRESS", REGISTRATION).isNotNull();
    assertFrontendAddress(address, "service '" + REGISTRATION + "' env TEMPORAL_ADDRESS");
  }

  @Test
  void workerStartsOnlyAfterTheSearchAttributesAreRegistered() {
    Object dependsOn = service(WORKER).get("depends_on");
    assertThat(dependsOn)
        .as("service '%s' depends_on must be the long form, with conditions", WORKER)
        .isInstanceOf(Map.class);
    Map<String, Object> registration = map(map(dependsOn, "depends_on").get(REGISTRATION),
        "service '" + WORKER + "' depends_on." + REGISTRATION);
    assertThat(registration.get("condition"))
        .as("service '%s' must wait for '%s' to finish", WORKER, REGISTRATION)
        .isEqualTo("service_completed_successfully");
  }

  @Test
  void workerGetsAwsCredentialsFromTheHost() {
    Map<String, String> env = env(WORKER);
    for (String name : AWS_PASS_THROUGH) {
      assertThat(env)
          .as("service '%s' env must pass %s through from the host", WORKER, name)
          .containsKey(name);
      String value = env.get(name);
      if (value != null) {
        assertThat(value)
            .as("service '%s' env %s must come from the host environment, not be fixed here", WORKER, name)
            .startsWith("${" + name);
      }
    }
    assertThat(volumes(WORKER))
        .as("service '%s' must mount ~/.aws read-only", WORKER)
        .anySatisfy(v -> assertThat(v).matches("[^:]*\\.aws:[^:]+:ro"));
  }

  @Test
  void noImageUsesLatestOrNoTag() throws IOException {
    services.forEach((name, value) -> {
      Map<String, Object> service = map(value, "service " + name);
      Object image = service.get("image");
      assertThat(image)
          .as("service '%s' needs an image name (a build without one is tagged latest)", name)
          .isNotNull();
      assertPinned(String.valueOf(image), "service '" + name + "' image");
    });
    List<String> stages = new ArrayList<>();
    Matcher from = Pattern.compile("(?im)^\\s*FROM\\s+(?:--\\S+\\s+)*(\\S+)(?:\\s+AS\\s+(\\S+))?")
        .matcher(Files.readString(repoRoot.resolve("worker/Dockerfile")));
    int count = 0;
    while (from.find()) {
      count++;
      if (!stages.contains(from.group(1))) {
        assertPinned(from.group(1), "worker/Dockerfile FROM");
      }
      if (from.group(2) != null) {
        stages.add(from.group(2));
      }
    }
    assertThat(count).as("FROM lines in worker/Dockerfile").isPositive();
  }

  @Test
  void inlineScriptsEscapeDollarSignsFromCompose() {
    // Compose interpolates $VAR and ${VAR} from the host in every value; a script's own $ is $$.
    Pattern loneDollar = Pattern.compile("(?<!\\$)\\$(?!\\$)");
    services.forEach((name, value) -> {
      Map<String, Object> service = map(value, "service " + name);
      for (String key : List.of("entrypoint", "command")) {
        Object v = service.get(key);
        if (v == null) {
          continue;
        }
        String text = v instanceof List<?> list
            ? list.stream().map(String::valueOf).collect(Collectors.joining("\n"))
            : String.valueOf(v);
        String stripped = text.replace("$$", "");
        assertThat(loneDollar.matcher(stripped).find())
            .as("service '%s' %s has a lone $ that compose would interpolate from the host: %s", name, key, text)
            .isFalse();
      }
    });
  }

  // ---------------------------------------------------------------------------------------------

  private static void assertFrontendAddress(String address, String what) {
    int colon = address.lastIndexOf(':');
    assertThat(colon).as("%s '%s' must be host:port", what, address).isPositive();
    String host = address.substring(0, colon);
    String port = address.substring(colon + 1);
    assertThat(host).as("%s '%s' must name the Temporal service", what, address).isEqualTo(TEMPORAL);
    assertThat(services).as("%s names service '%s'", what, host).containsKey(host);
    assertThat(port)
        .as("%s '%s' must use the Temporal frontend port", what, address)
        .isEqualTo(String.valueOf(TEMPORAL_FRONTEND_PORT));
  }

  private static void assertPinned(String image, String what) {
    if (image.contains("@sha256:")) {
      return;
    }
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    assertThat(colon > slash)
        .as("%s '%s' must name a tag (no tag means latest)", what, image)
        .isTrue();
    assertThat(image.substring(colon + 1))
        .as("%s '%s' must pin a version", what, image)
        .isNotEqualToIgnoringCase("latest");
  }

  private static String workerNamespace() {
    String env = env(WORKER).get("EKS_UPGRADER_TEMPORAL_NAMESPACE");
    return env != null ? env : appValue("eks-upgrader.temporal.namespace");
  }

  private static int workerServerPort() {
    String env = env(WORKER).get("MICRONAUT_SERVER_PORT");
    return Integer.parseInt(env != null ? env : appValue("micronaut.server.port"));
  }

  private static String appValue(String dottedPath) {
    Object node = applicationYml;
    for (String key : dottedPath.split("\\.")) {
      if (!(node instanceof Map<?, ?> m) || !m.containsKey(key)) {
        return fail("application.yml has no %s", dottedPath);
      }
      node = m.get(key);
    }
    assertThat(node).as("application.yml %s", dottedPath).isNotNull();
    return String.valueOf(node);
  }

  private static Map<String, Object> service(String name) {
    assertThat(services).as("services in %s", composeFile).containsKey(name);
    return map(services.get(name), "service " + name);
  }

  /** A service's environment, list or map form; a name without a value (pass-through) maps to null. */
  private static Map<String, String> env(String serviceName) {
    Object environment = service(serviceName).get("environment");
    Map<String, String> env = new LinkedHashMap<>();
    if (environment instanceof Map<?, ?> m) {
      m.forEach((k, v) -> env.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
    } else if (environment instanceof List<?> list) {
      for (Object entry : list) {
        String s = String.valueOf(entry);
        int eq = s.indexOf('=');
        env.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? null : s.substring(eq + 1));
      }
    }
    return env;
  }

  private static List<String> volumes(String serviceName) {
    Object volumes = service(serviceName).get("volumes");
    if (volumes == null) {
      return List.of();
    }
    List<String> result = new ArrayList<>();
    for (Object v : (List<?>) volumes) {
      if (v instanceof Map<?, ?> m) {
        result.add(m.get("source") + ":" + m.get("target")
            + (Boolean.TRUE.equals(m.get("read_only")) ? ":ro" : ""));
      } else {
        result.add(String.valueOf(v));
      }
    }
    return result;
  }

  record PortMapping(String hostIp, Integer published, int target) {}

  /** Short syntax ([ip:][published:]target[/proto]) and long syntax (target, published, host_ip). */
  private static List<PortMapping> ports(String serviceName) {
    Object ports = service(serviceName).get("ports");
    if (ports == null) {
      return List.of();
    }
    List<PortMapping> result = new ArrayList<>();
    for (Object p : (List<?>) ports) {
      if (p instanceof Map<?, ?> m) {
        Object published = m.get("published");
        result.add(new PortMapping(
            m.get("host_ip") == null ? null : String.valueOf(m.get("host_ip")),
            published == null ? null : Integer.valueOf(String.valueOf(published)),
            Integer.parseInt(String.valueOf(m.get("target")))));
        continue;
      }
      String spec = String.valueOf(p);
      int slash = spec.indexOf('/');
      if (slash >= 0) {
        spec = spec.substring(0, slash);
      }
      String[] parts = spec.split(":");
      int target = Integer.parseInt(parts[parts.length - 1]);
      Integer published = parts.length >= 2 ? Integer.valueOf(parts[parts.length - 2]) : null;
      String hostIp = parts.length >= 3 ? String.join(":", List.of(parts).subList(0, parts.length - 2)) : null;
      result.add(new PortMapping(hostIp, published, target));
    }
    return result;
  }

  private static List<Integer> exposedPorts(String dockerfile) {
    List<Integer> ports = new ArrayList<>();
    Matcher m = Pattern.compile("(?im)^\\s*EXPOSE\\s+(.+)$").matcher(dockerfile);
    while (m.find()) {
      for (String token : m.group(1).trim().split("\\s+")) {
        ports.add(Integer.parseInt(token.replaceAll("/.*", "")));
      }
    }
    return ports;
  }

  /** Source arguments of each COPY/ADD that copies from the build context (not --from a stage). */
  private static List<List<String>> copySources(String dockerfile) {
    String joined = dockerfile.replaceAll("\\\\\\r?\\n", " ");
    List<List<String>> result = new ArrayList<>();
    Matcher m = Pattern.compile("(?im)^\\s*(?:COPY|ADD)\\s+(.+)$").matcher(joined);
    while (m.find()) {
      List<String> tokens = new ArrayList<>(List.of(m.group(1).trim().split("\\s+")));
      if (tokens.stream().anyMatch(t -> t.startsWith("--from"))) {
        continue;
      }
      tokens.removeIf(t -> t.startsWith("--"));
      if (tokens.size() >= 2) {
        result.add(tokens.subList(0, tokens.size() - 1));
      }
    }
    return result;
  }

  private static List<String> reactorModules() throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document pom = factory.newDocumentBuilder().parse(repoRoot.resolve("pom.xml").toFile());
    NodeList modules = pom.getElementsByTagName("module");
    List<String> result = new ArrayList<>();
    for (int i = 0; i < modules.getLength(); i++) {
      result.add(((Element) modules.item(i)).getTextContent().trim());
    }
    return result;
  }

  private static List<String> stringList(Object value, String what) {
    assertThat(value).as("%s must be a list", what).isInstanceOf(List.class);
    return ((List<?>) value).stream().map(String::valueOf).toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value, String what) {
    assertThat(value).as("%s must be a mapping", what).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  private static Object parseYaml(String text) {
    return new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
  }

  /** Maven runs tests in the module directory; the compose file is at the repository root above it. */
  private static Path findDirectoryWithComposeFile() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("docker-compose.yml")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    return fail("no docker-compose.yml (beside a pom.xml) in %s or any parent directory", start);
  }
}
