package io.eksupgrader.worker.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The image Maven builds with Jib (worker/pom.xml, profile {@code image}) and the one
 * worker/Dockerfile builds must stay interchangeable for docker-compose.yml and deploy/kubernetes:
 * same base, same name, same numeric user, same port; and Jib runs only in that profile.
 */
class WorkerImageTest {

  private static final String JIB = "jib-maven-plugin";

  private static Path repoRoot;
  private static Element jib;
  private static Document workerPom;

  @BeforeAll
  static void load() throws Exception {
    repoRoot = Path.of("").toAbsolutePath();
    while (repoRoot != null && !Files.isRegularFile(repoRoot.resolve("worker/pom.xml"))) {
      repoRoot = repoRoot.getParent();
    }
    assertThat(repoRoot).as("the repository root above %s", Path.of("").toAbsolutePath()).isNotNull();
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    workerPom = factory.newDocumentBuilder().parse(repoRoot.resolve("worker/pom.xml").toFile());
    Element profile = children(workerPom.getDocumentElement(), "profiles").stream()
        .flatMap(p -> children(p, "profile").stream())
        .filter(p -> "image".equals(text(p, "id")))
        .findFirst()
        .orElseGet(() -> fail("worker/pom.xml has no profile 'image'"));
    jib = plugins(profile).stream()
        .filter(p -> JIB.equals(text(p, "artifactId")))
        .findFirst()
        .orElseGet(() -> fail("profile 'image' of worker/pom.xml has no %s", JIB));
  }

  @Test
  void jibRunsOnlyInTheImageProfileAndWritesTheTarballComposeLoads() {
    assertThat(plugins(workerPom.getDocumentElement()).stream().map(p -> text(p, "artifactId")))
        .as("worker/pom.xml build plugins outside the profile: a normal verify must not build an image")
        .doesNotContain(JIB);
    Element configuration = child(jib, "configuration");
    assertThat(text(configuration, "skip")).as("profile 'image' turns off the root pom's skip").isEqualTo("false");
    assertThat(text(child(configuration, "outputPaths"), "tar")).isEqualTo("${project.build.directory}/jib-image.tar");
    List<String> goals = new ArrayList<>();
    for (Element execution : children(child(jib, "executions"), "execution")) {
      children(child(execution, "goals"), "goal").forEach(g -> goals.add(g.getTextContent().trim()));
    }
    assertThat(goals).as("goals of %s in profile 'image'", JIB).containsExactly("buildTar");
  }

  @Test
  void theSameBaseNameUserAndPortAsTheDockerfileComposeAndTheDeployment() throws Exception {
    Element configuration = child(jib, "configuration");
    Element container = child(configuration, "container");
    String dockerfile = Files.readString(repoRoot.resolve("worker/Dockerfile"));

    Matcher from = Pattern.compile("(?im)^\\s*FROM\\s+(\\S+)\\s*$").matcher(dockerfile);
    String runtimeBase = null;
    while (from.find()) {
      runtimeBase = from.group(1);
    }
    assertThat(text(child(configuration, "from"), "image"))
        .as("Jib's base image = worker/Dockerfile's runtime stage").isEqualTo(runtimeBase);

    Map<String, Object> compose = yaml(repoRoot.resolve("docker-compose.yml"));
    Map<String, Object> worker = map(map(compose.get("services"), "services").get("worker"), "worker");
    assertThat(text(child(configuration, "to"), "image"))
        .as("the image the tarball loads as = docker-compose.yml's worker image").isEqualTo(worker.get("image"));

    String user = text(container, "user");
    assertThat(user).as("a numeric uid:gid, so runAsNonRoot can verify it").matches("\\d+:\\d+");
    assertThat(dockerfile).as("worker/Dockerfile's default uid and gid").contains("ARG APP_UID=" + user.split(":")[0])
        .contains("ARG APP_GID=" + user.split(":")[1]);
    Map<String, Object> deployment = yaml(repoRoot.resolve("deploy/kubernetes/deployment.yaml"));
    Map<String, Object> podSecurity = map(map(map(map(deployment.get("spec"), "spec").get("template"), "template")
        .get("spec"), "pod spec").get("securityContext"), "securityContext");
    assertThat(String.valueOf(podSecurity.get("runAsUser"))).as("the Deployment's runAsUser").isEqualTo(user.split(":")[0]);

    assertThat(children(child(container, "ports"), "port").stream().map(p -> p.getTextContent().trim()))
        .as("Jib's exposed port = worker/Dockerfile's EXPOSE").containsExactly("8081");
    assertThat(dockerfile).contains("EXPOSE 8081");
    assertThat(text(container, "mainClass")).isEqualTo("${exec.mainClass}");
  }

  // ---------------------------------------------------------------------------------------------

  private static List<Element> plugins(Element projectOrProfile) {
    Element build = child(projectOrProfile, "build");
    return build == null || child(build, "plugins") == null ? List.of() : children(child(build, "plugins"), "plugin");
  }

  private static Element child(Element parent, String name) {
    List<Element> found = children(parent, name);
    return found.isEmpty() ? null : found.get(0);
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> result = new ArrayList<>();
    if (parent == null) {
      return result;
    }
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      Node node = nodes.item(i);
      if (node instanceof Element e && e.getTagName().equals(name)) {
        result.add(e);
      }
    }
    return result;
  }

  private static String text(Element parent, String name) {
    Element child = child(parent, name);
    return child == null ? null : child.getTextContent().trim();
  }

  private static Map<String, Object> yaml(Path file) throws Exception {
    return map(new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file)), file.toString());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value, String what) {
    assertThat(value).as("%s must be a mapping", what).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }
}
