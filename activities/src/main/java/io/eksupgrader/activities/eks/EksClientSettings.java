package io.eksupgrader.activities.eks;

import java.net.URI;

/**
 * How to reach EKS.
 *
 * @param endpointOverride null for AWS itself; the sandbox's endpoint otherwise
 * @param accessKeyId with {@code secretAccessKey}, static credentials (the sandbox accepts any);
 *     both null means the default credential chain (Pod Identity, IRSA, environment, profile)
 */
public record EksClientSettings(URI endpointOverride, String accessKeyId, String secretAccessKey) {

  public EksClientSettings {
    if ((accessKeyId == null) != (secretAccessKey == null)) {
      throw new IllegalArgumentException(
          "give both accessKeyId and secretAccessKey for static credentials, or neither for the"
              + " default credential chain");
    }
  }

  /** Real AWS with the default credential chain. */
  public static EksClientSettings defaults() {
    return new EksClientSettings(null, null, null);
  }

  /** A sandbox at {@code endpoint}, with dummy static credentials. */
  public static EksClientSettings sandbox(URI endpoint) {
    return new EksClientSettings(endpoint, "AKIDSANDBOX", "sandbox-secret");
  }

  public boolean staticCredentials() {
    return accessKeyId != null;
  }
}
