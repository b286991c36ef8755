package io.eksupgrader.worker;

import io.temporal.authorization.AuthorizationTokenSupplier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Temporal API key from a file, for every call. A Kubernetes Secret volume replaces the file
 * when the Secret changes, so the key is read again whenever the file's modification time does: a
 * rotated key is used without a restart. The key itself never reaches a log or a message.
 */
final class ApiKeyFile implements AuthorizationTokenSupplier {

  private static final Logger log = LoggerFactory.getLogger(ApiKeyFile.class);

  private final String configKey;
  private final Path path;
  private FileTime readAt;
  private String key;

  /** Reads the file once, so that a missing or empty one stops the worker at startup. */
  ApiKeyFile(String configKey, Path path) {
    this.configKey = configKey;
    this.path = path;
    try {
      refresh();
    } catch (IOException e) {
      throw new IllegalStateException(configKey + ": cannot read " + path + " (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  @Override
  public synchronized String supply() {
    try {
      refresh();
    } catch (IOException | IllegalStateException e) {
      // The previous key goes on being sent; Temporal refuses it if it was revoked.
      log.warn("{}: cannot read {} again, the previous key is used: {} {}", configKey, path, e.getClass().getSimpleName(), e.getMessage());
    }
    return key;
  }

  private void refresh() throws IOException {
    FileTime modified = Files.getLastModifiedTime(path);
    if (key != null && modified.equals(readAt)) {
      return;
    }
    String read = Files.readString(path, StandardCharsets.UTF_8).strip();
    if (read.isEmpty()) {
      throw new IllegalStateException(configKey + ": " + path + " is empty");
    }
    if (key != null) {
      log.info("{}: {} changed, the new API key is used from now on", configKey, path);
    }
    key = read;
    readAt = modified;
  }

  @Override
  public String toString() {
    return "API key from " + path;
  }
}
