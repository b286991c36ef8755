package io.eksupgrader.activities.kube;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner.AuthLocation;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.RegionMetadata;

/**
 * Makes EKS bearer tokens the way {@code aws eks get-token} does: an STS {@code
 * GetCallerIdentity} GET request to the cluster's regional STS endpoint, carrying the header
 * {@code x-k8s-aws-id: <cluster name>}, is presigned with SigV4 into a URL valid for 60 seconds;
 * the token is {@code k8s-aws-v1.} followed by the URL in unpadded base64url. The cluster's
 * authenticator calls STS with that URL to learn who the caller is, and refuses URLs whose
 * signature does not cover the cluster name, so a token is good for one cluster only.
 *
 * <p>Signing happens locally: no call to STS is made here.
 */
final class EksTokenSigner {

  static final String PREFIX = "k8s-aws-v1.";
  static final String CLUSTER_HEADER = "x-k8s-aws-id";
  /** What {@code aws eks get-token} asks for; EKS itself accepts a token for 15 minutes. */
  static final Duration URL_EXPIRY = Duration.ofSeconds(60);

  private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

  private EksTokenSigner() {}

  /** A token for the cluster, signed with the credentials at the clock's current time. */
  static String token(
      String clusterName, String region, AwsCredentialsIdentity credentials, Clock clock) {
    SdkHttpRequest request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.GET)
            .protocol("https")
            .host(stsHost(region))
            .encodedPath("/")
            .putRawQueryParameter("Action", "GetCallerIdentity")
            .putRawQueryParameter("Version", "2011-06-15")
            .putHeader(CLUSTER_HEADER, clusterName)
            .build();
    SdkHttpRequest signed =
        SIGNER
            .sign(
                r ->
                    r.identity(credentials)
                        .request(request)
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sts")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(AwsV4HttpSigner.AUTH_LOCATION, AuthLocation.QUERY_STRING)
                        .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, URL_EXPIRY)
                        .putProperty(HttpSigner.SIGNING_CLOCK, clock))
            .request();
    String url = signed.getUri().toString();
    return PREFIX
        + Base64.getUrlEncoder().withoutPadding().encodeToString(url.getBytes(StandardCharsets.UTF_8));
  }

  /** The regional STS endpoint, in the region's partition (amazonaws.com, amazonaws.com.cn, …). */
  static String stsHost(String region) {
    RegionMetadata metadata = Region.of(region).metadata();
    String domain = metadata != null ? metadata.domain() : "amazonaws.com";
    return "sts." + region + "." + domain;
  }
}
