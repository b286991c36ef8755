package io.eksupgrader.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * Requests to a test cluster's API server as a client other than fabric8 sends them (Helm's content
 * types, protobuf bodies), over plain http with a valid EKS token, to read exactly what the server
 * answers.
 */
final class RawApi {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final TestCluster cluster;
  private final HttpClient http = HttpClient.newHttpClient();

  RawApi(TestCluster cluster) {
    this.cluster = cluster;
  }

  HttpResponse<byte[]> send(String method, String path, String contentType, byte[] body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(cluster.kube.plainApiServerUrl() + path))
            .header("Authorization", "Bearer " + KubeCluster.tokenFor(TestCluster.CLUSTER))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<byte[]> get(String path) {
    return send("GET", path, null, (byte[]) null);
  }

  HttpResponse<byte[]> send(String method, String path, String contentType, String body) {
    return send(method, path, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  /** The answer's body as JSON. */
  static JsonNode json(HttpResponse<byte[]> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String contentType(HttpResponse<?> response) {
    return response.headers().firstValue("Content-Type").orElse(null);
  }
}
