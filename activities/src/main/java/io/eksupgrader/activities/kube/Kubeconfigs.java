package io.eksupgrader.activities.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

/**
 * A kubeconfig for Helm that reaches the same API server, with the same CA and credentials, as a
 * worker's Kubernetes client, for Helm and istioctl: the EKS token of the moment (they run for a few minutes at most;
 * the token lasts fifteen), or the client certificate of a kubeconfig context. The file is readable
 * by the worker's user only and deleted after the run.
 */
public final class Kubeconfigs {

  private Kubeconfigs() {}

  public static String contents(KubernetesClient client) {
    Config config = client.getConfiguration();
    String token =
        config.getOauthTokenProvider() != null ? config.getOauthTokenProvider().getToken() : config.getOauthToken();
    StringBuilder yaml = new StringBuilder();
    yaml.append("apiVersion: v1\nkind: Config\nclusters:\n- name: target\n  cluster:\n");
    yaml.append("    server: ").append(quote(config.getMasterUrl().replaceAll("/+$", ""))).append('\n');
    String ca = caData(config);
    if (ca != null) {
      yaml.append("    certificate-authority-data: ").append(ca).append('\n');
    } else if (config.isTrustCerts()) {
      yaml.append("    insecure-skip-tls-verify: true\n");
    }
    yaml.append("users:\n- name: worker\n  user:\n");
    if (token != null && !token.isBlank()) {
      yaml.append("    token: ").append(quote(token)).append('\n');
    }
    if (config.getClientCertData() != null && config.getClientKeyData() != null) {
      yaml.append("    client-certificate-data: ").append(config.getClientCertData()).append('\n');
      yaml.append("    client-key-data: ").append(config.getClientKeyData()).append('\n');
    }
    yaml.append("contexts:\n- name: target\n  context:\n    cluster: target\n    user: worker\n");
    yaml.append("current-context: target\n");
    return yaml.toString();
  }

  private static String caData(Config config) {
    if (config.getCaCertData() != null && !config.getCaCertData().isBlank()) {
      return config.getCaCertData();
    }
    if (config.getCaCertFile() != null) {
      try {
        return Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(config.getCaCertFile())));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the CA file " + config.getCaCertFile(), e);
      }
    }
    return null;
  }

  /** Writes the kubeconfig to a new file only its owner can read. */
  public static Path write(KubernetesClient client, Path directory) {
    try {
      Files.createDirectories(directory);
      Path file = Files.createTempFile(directory, "kubeconfig-", ".yaml");
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: the directory's own permissions must do.
      }
      Files.writeString(file, contents(client), StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a kubeconfig for Helm in " + directory, e);
    }
  }

  private static String quote(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
