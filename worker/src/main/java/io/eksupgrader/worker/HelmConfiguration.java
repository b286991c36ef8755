package io.eksupgrader.worker;

import io.eksupgrader.activities.helm.EmbeddedHelm;
import io.eksupgrader.activities.helm.HelmBinary;
import io.eksupgrader.activities.helm.HelmRunner;
import io.micronaut.context.annotation.ConfigurationProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** {@code eks-upgrader.helm.*}: which Helm the worker runs, and where it writes its short-lived files. */
@ConfigurationProperties("eks-upgrader.helm")
public class HelmConfiguration {

  private String binary = "";
  private boolean openapiValidation = true;
  private Path workDirectory = Path.of(System.getProperty("java.io.tmpdir"), "eks-upgrader");
  private Duration binaryTimeout = Duration.ofMinutes(10);

  /** The embedded Helm, or the configured binary; a binary that is not there stops the worker. */
  HelmRunner toRunner() {
    if (binary == null || binary.isBlank()) {
      return new EmbeddedHelm(workDirectory, openapiValidation);
    }
    Path path = Path.of(binary);
    if (!Files.isExecutable(path)) {
      throw new IllegalStateException(
          "eks-upgrader.helm.binary is " + binary + ", which is not an executable file: install helm there, or leave the key empty for the embedded Helm");
    }
    return new HelmBinary(path, openapiValidation, binaryTimeout.toSeconds());
  }

  public String getBinary() {
    return binary;
  }

  public void setBinary(String binary) {
    this.binary = binary;
  }

  public boolean isOpenapiValidation() {
    return openapiValidation;
  }

  public void setOpenapiValidation(boolean openapiValidation) {
    this.openapiValidation = openapiValidation;
  }

  public Path getWorkDirectory() {
    return workDirectory;
  }

  public void setWorkDirectory(Path workDirectory) {
    this.workDirectory = workDirectory;
  }

  public Duration getBinaryTimeout() {
    return binaryTimeout;
  }

  public void setBinaryTimeout(Duration binaryTimeout) {
    this.binaryTimeout = binaryTimeout;
  }
}
