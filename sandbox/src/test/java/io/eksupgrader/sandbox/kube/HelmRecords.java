package io.eksupgrader.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.zip.GZIPInputStream;

/** Reads a Helm 3 release Secret back as Helm does: base64 (the API's), base64, gzip, JSON. */
final class HelmRecords {

  private HelmRecords() {}

  static JsonNode release(Secret secret) {
    byte[] helmValue = Base64.getDecoder().decode(secret.getData().get("release"));
    byte[] gzipped = Base64.getDecoder().decode(helmValue);
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
      return new ObjectMapper().readTree(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
