package io.eksupgrader.activities.kube;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.concurrent.CompletableFuture;

/**
 * Puts the cluster's EKS token on every request and, when the API server answers 401, makes a new
 * token and sends the request once more. It takes the place of fabric8's token interceptor, whose
 * retry after a 401 asks the token source again and so resends the same rejected token.
 */
final class EksTokenRenewal implements Interceptor {

  private static final String AUTHORIZATION = "Authorization";
  private static final String BEARER = "Bearer ";

  private final EksTokenSource tokens;

  EksTokenRenewal(EksTokenSource tokens) {
    this.tokens = tokens;
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    builder.setHeader(AUTHORIZATION, BEARER + tokens.getToken());
  }

  @Override
  public CompletableFuture<Boolean> afterFailure(
      BasicBuilder builder, HttpResponse<?> response, RequestTags tags) {
    if (response.code() != 401) {
      return CompletableFuture.completedFuture(false);
    }
    String sent = response.request() == null ? null : response.request().header(AUTHORIZATION);
    String rejected = sent != null && sent.startsWith(BEARER) ? sent.substring(BEARER.length()) : null;
    builder.setHeader(AUTHORIZATION, BEARER + tokens.renewIfCurrent(rejected));
    return CompletableFuture.completedFuture(true);
  }
}
