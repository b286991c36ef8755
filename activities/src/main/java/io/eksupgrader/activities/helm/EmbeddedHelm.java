package io.eksupgrader.activities.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import com.marcnuri.helm.UpgradeCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Helm embedded in the worker through helm-java (Helm v3 compiled into a native library), so that
 * no {@code helm} binary has to be installed. Runs are serialised: the library shares Go state
 * between calls. A chart repository is added to a repository file of the worker's own, never to
 * the user's {@code ~/.config/helm}.
 */
public final class EmbeddedHelm implements HelmRunner {

  private static final Object LOCK = new Object();

  private final Path workDirectory;
  private final boolean openApiValidation;

  /**
   * @param openApiValidation whether Helm validates manifests against the API server's OpenAPI
   *     schema (on for real clusters)
   */
  public EmbeddedHelm(Path workDirectory, boolean openApiValidation) {
    this.workDirectory = workDirectory;
    this.openApiValidation = openApiValidation;
  }

  @Override
  public String upgrade(HelmInvocation invocation) {
    synchronized (LOCK) {
      try {
        ChartReference chart = invocation.chart();
        UpgradeCommand upgrade;
        if (chart.local() != null) {
          upgrade = new Helm(chart.local()).upgrade();
        } else if (chart.repository() != null) {
          Path repositories = repositoryFile(chart);
          upgrade =
              Helm.upgrade(repositoryName(chart) + "/" + chart.remote())
                  .withVersion(chart.version())
                  .withRepositoryConfig(repositories);
        } else {
          upgrade = Helm.upgrade(chart.remote()).withVersion(chart.version());
        }
        upgrade =
            upgrade
                .withName(invocation.release())
                .withNamespace(invocation.namespace())
                .withKubeConfig(invocation.kubeconfig())
                .withDescription(invocation.description());
        if (invocation.install()) {
          upgrade = upgrade.install();
        }
        if (invocation.valuesFile() != null) {
          upgrade = upgrade.resetValues().withValuesFile(invocation.valuesFile());
        } else {
          upgrade = upgrade.resetThenReuseValues();
        }
        for (Map.Entry<String, String> value : invocation.set().entrySet()) {
          upgrade = upgrade.set(value.getKey(), value.getValue());
        }
        if (!openApiValidation) {
          upgrade = upgrade.disableOpenApiValidation();
        }
        Release release = upgrade.call();
        return "release " + release.getName() + " revision " + release.getRevision() + " " + release.getStatus();
      } catch (RuntimeException e) {
        throw new HelmException(String.valueOf(e.getMessage()), e);
      }
    }
  }

  @Override
  public String uninstall(String release, String namespace, Path kubeconfig) {
    synchronized (LOCK) {
      try {
        return Helm.uninstall(release).withNamespace(namespace).withKubeConfig(kubeconfig).call();
      } catch (RuntimeException e) {
        throw new HelmException(String.valueOf(e.getMessage()), e);
      }
    }
  }

  private static String repositoryName(ChartReference chart) {
    return "eks-upgrader-" + Integer.toHexString(chart.repository().toString().hashCode());
  }

  private Path repositoryFile(ChartReference chart) {
    Path file = workDirectory.resolve("repositories.yaml");
    try {
      Files.createDirectories(workDirectory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String name = repositoryName(chart);
    boolean known =
        Files.exists(file)
            && Helm.repo().list().withRepositoryConfig(file).call().stream().anyMatch(r -> r.getName().equals(name));
    if (!known) {
      Helm.repo().add().withRepositoryConfig(file).withName(name).withUrl(chart.repository()).call();
    }
    Helm.repo().update().withRepositoryConfig(file).withRepo(name).call();
    return file;
  }

  @Override
  public String describe() {
    return "embedded Helm (helm-java)" + (openApiValidation ? "" : ", OpenAPI validation off");
  }
}
