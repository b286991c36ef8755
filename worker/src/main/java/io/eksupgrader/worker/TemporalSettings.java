package io.eksupgrader.worker;

import io.micronaut.context.annotation.ConfigurationProperties;

/** {@code eks-upgrader.temporal.*}: where the worker finds Temporal and which queue it polls. */
@ConfigurationProperties("eks-upgrader.temporal")
public class TemporalSettings {

  private String target = "localhost:7233";
  private String namespace = "default";
  private String taskQueue = "eks-upgrader";
  private boolean stickyExecution = true;
  private String apiKey = "";
  private String apiKeyFile = "";

  public String getTarget() {
    return target;
  }

  public void setTarget(String target) {
    this.target = target;
  }

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  public String getTaskQueue() {
    return taskQueue;
  }

  public void setTaskQueue(String taskQueue) {
    this.taskQueue = taskQueue;
  }

  /** False only against Temporal's in-memory test server; see NoStickyExecutionInterceptor. */
  public boolean isStickyExecution() {
    return stickyExecution;
  }

  public void setStickyExecution(boolean stickyExecution) {
    this.stickyExecution = stickyExecution;
  }

  /**
   * A Temporal Cloud API key given directly: meant for the environment variable
   * EKS_UPGRADER_TEMPORAL_API_KEY filled from a Secret, never for a file in git. Never logged.
   */
  public String getApiKey() {
    return apiKey;
  }

  public void setApiKey(String apiKey) {
    this.apiKey = apiKey == null ? "" : apiKey;
  }

  /** A file holding the API key (a mounted Secret); read again whenever it changes, so a rotated key is used at once. */
  public String getApiKeyFile() {
    return apiKeyFile;
  }

  public void setApiKeyFile(String apiKeyFile) {
    this.apiKeyFile = apiKeyFile == null ? "" : apiKeyFile;
  }
}
