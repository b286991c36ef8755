package io.eksupgrader.sandbox.kube;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The bearer tokens EKS accepts, as {@code aws eks get-token} makes them: {@code k8s-aws-v1.}
 * followed by the unpadded base64url of an STS {@code GetCallerIdentity} URL presigned with SigV4,
 * with the {@code x-k8s-aws-id} header (the cluster name) among the signed headers.
 *
 * <p>The sandbox checks the token's shape only: the prefix, that it decodes, and that the URL
 * carries {@code Action=GetCallerIdentity}, a non-empty {@code X-Amz-Signature} and {@code
 * x-k8s-aws-id} in {@code X-Amz-SignedHeaders} (the real authenticator refuses a URL that did not
 * sign it). It does not verify the signature, the expiry or the cluster name: presigners use the
 * real clock, the sandbox a simulated one.
 */
final class EksBearerToken {

  static final String PREFIX = "k8s-aws-v1.";

  private EksBearerToken() {}

  /** A token of the right shape for the cluster, signed with nothing real. */
  static String forCluster(String clusterName) {
    String signature = sha256Hex("sandbox:" + clusterName);
    String url =
        "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15"
            + "&X-Amz-Algorithm=AWS4-HMAC-SHA256"
            + "&X-Amz-Credential="
            + URLEncoder.encode(
                "AKIASANDBOX/20260101/us-east-1/sts/aws4_request", StandardCharsets.UTF_8)
            + "&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60"
            + "&X-Amz-SignedHeaders="
            + URLEncoder.encode("host;x-k8s-aws-id", StandardCharsets.UTF_8)
            + "&X-Amz-Signature="
            + signature;
    return PREFIX
        + Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(url.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether an {@code Authorization} header carries a token of the right shape. */
  static boolean accepts(String authorizationHeader) {
    if (authorizationHeader == null
        || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    String token = authorizationHeader.substring(7).trim();
    if (!token.startsWith(PREFIX)) {
      return false;
    }
    String url;
    try {
      url =
          new String(
              Base64.getUrlDecoder().decode(token.substring(PREFIX.length())),
              StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
    Map<String, String> query;
    try {
      query = queryOf(URI.create(url).getRawQuery());
    } catch (IllegalArgumentException e) {
      return false;
    }
    String signedHeaders = query.getOrDefault("X-Amz-SignedHeaders", "");
    return "GetCallerIdentity".equals(query.get("Action"))
        && !query.getOrDefault("X-Amz-Signature", "").isEmpty()
        && Arrays.asList(signedHeaders.toLowerCase(Locale.ROOT).split(";"))
            .contains("x-k8s-aws-id");
  }

  private static Map<String, String> queryOf(String rawQuery) {
    Map<String, String> query = new LinkedHashMap<>();
    if (rawQuery == null) {
      return query;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        query.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return query;
  }

  private static String sha256Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
