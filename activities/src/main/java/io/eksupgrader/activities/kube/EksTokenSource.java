package io.eksupgrader.activities.kube;

import io.eksupgrader.workflows.model.ClusterRef;
import io.fabric8.kubernetes.client.OAuthTokenProvider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;

/**
 * The bearer token of one cluster, as fabric8 asks for it before every request. A token is made
 * on first use and reused until it is {@code refreshAfter} old, then replaced; EKS accepts a token
 * for 15 minutes, so requests of a drain that runs for an hour keep working. Credentials are
 * resolved anew for each token, so rotated credentials (Pod Identity, IRSA) are picked up.
 *
 * <p>{@link #toString()} never shows the token.
 */
final class EksTokenSource implements OAuthTokenProvider {

  private final ClusterRef cluster;
  private final IdentityProvider<? extends AwsCredentialsIdentity> credentials;
  private final Duration refreshAfter;
  private final Clock clock;
  private String token;
  private Instant madeAt;
  private int made;

  EksTokenSource(
      ClusterRef cluster,
      IdentityProvider<? extends AwsCredentialsIdentity> credentials,
      Duration refreshAfter,
      Clock clock) {
    this.cluster = cluster;
    this.credentials = credentials;
    this.refreshAfter = refreshAfter;
    this.clock = clock;
  }

  @Override
  public synchronized String getToken() {
    Instant now = clock.instant();
    if (token == null || !now.isBefore(madeAt.plus(refreshAfter))) {
      AwsCredentialsIdentity identity = credentials.resolveIdentity().join();
      token = EksTokenSigner.token(cluster.name(), cluster.region(), identity, clock);
      madeAt = now;
      made++;
    }
    return token;
  }

  /**
   * Makes a new token if {@code rejected} is still the current one: the API server refused it (401),
   * for example because it expired before the refresh interval said it would. A token already
   * replaced by a concurrent request is not replaced again.
   */
  synchronized String renewIfCurrent(String rejected) {
    if (token != null && token.equals(rejected)) {
      token = null;
    }
    return getToken();
  }

  /** How many tokens this source has made so far. */
  synchronized int tokensMade() {
    return made;
  }

  @Override
  public String toString() {
    return "EksTokenSource[" + cluster + "]";
  }
}
