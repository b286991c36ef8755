package io.eksupgrader.worker;

import io.micronaut.context.annotation.ConfigurationProperties;

/**
 * {@code eks-upgrader.aws.*}: an endpoint override and static credentials, both only for the
 * sandbox. Empty values mean the real AWS endpoints and the default credential chain.
 */
@ConfigurationProperties("eks-upgrader.aws")
public class AwsSettings {

  private String endpointOverride = "";
  private String accessKeyId = "";
  private String secretAccessKey = "";

  public String getEndpointOverride() {
    return endpointOverride;
  }

  public void setEndpointOverride(String endpointOverride) {
    this.endpointOverride = endpointOverride;
  }

  public String getAccessKeyId() {
    return accessKeyId;
  }

  public void setAccessKeyId(String accessKeyId) {
    this.accessKeyId = accessKeyId;
  }

  public String getSecretAccessKey() {
    return secretAccessKey;
  }

  public void setSecretAccessKey(String secretAccessKey) {
    this.secretAccessKey = secretAccessKey;
  }
}
