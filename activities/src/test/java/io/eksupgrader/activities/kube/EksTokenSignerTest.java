package io.eksupgrader.activities.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.eksupgrader.workflows.model.ClusterRef;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class EksTokenSignerTest {

  private static final Instant SIGNED_AT = Instant.parse("2026-03-01T12:34:56Z");
  private static final AwsBasicCredentials KEYS =
      AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");

  @Test
  void tokenIsThePresignedGetCallerIdentityUrlInUnpaddedBase64Url() {
    String token = EksTokenSigner.token("shop", "eu-west-1", KEYS, new SteppedClock(SIGNED_AT));

    assertThat(token).startsWith("k8s-aws-v1.").doesNotContain("=", "+", "/");
    URI url = decode(token);
    assertThat(url.getScheme()).isEqualTo("https");
    assertThat(url.getHost()).isEqualTo("sts.eu-west-1.amazonaws.com");
    assertThat(url.getPath()).isEqualTo("/");
    Map<String, String> query = query(url);
    assertThat(query)
        .containsEntry("Action", "GetCallerIdentity")
        .containsEntry("Version", "2011-06-15")
        .containsEntry("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
        .containsEntry("X-Amz-Credential", "AKIDEXAMPLE/20260301/eu-west-1/sts/aws4_request")
        .containsEntry("X-Amz-Date", "20260301T123456Z")
        .containsEntry("X-Amz-Expires", "60")
        .containsEntry("X-Amz-SignedHeaders", "host;x-k8s-aws-id")
        .doesNotContainKey("X-Amz-Security-Token");
    assertThat(query.get("X-Amz-Signature")).matches("[0-9a-f]{64}");
  }

  /**
   * The signature is what STS computes for the URL with the cluster header: SigV4 for a GET with
   * an empty body, derived here from the specification rather than from the SDK.
   */
  @Test
  void signatureCoversTheClusterNameAsStsVerifiesIt() throws Exception {
    String token = EksTokenSigner.token("shop", "eu-west-1", KEYS, new SteppedClock(SIGNED_AT));
    Map<String, String> query = query(decode(token));

    assertThat(query.get("X-Amz-Signature"))
        .isEqualTo(expectedSignature(query, "sts.eu-west-1.amazonaws.com", "shop"))
        .isNotEqualTo(expectedSignature(query, "sts.eu-west-1.amazonaws.com", "other-cluster"));
  }

  @Test
  void sessionCredentialsAddTheirTokenToTheUrl() {
    AwsSessionCredentials session =
        AwsSessionCredentials.create("ASIAEXAMPLE", "secret", "session/token+value");
    Map<String, String> query =
        query(decode(EksTokenSigner.token("shop", "us-east-1", session, new SteppedClock(SIGNED_AT))));

    assertThat(query).containsEntry("X-Amz-Security-Token", "session/token+value");
    assertThat(query.get("X-Amz-Credential")).startsWith("ASIAEXAMPLE/");
  }

  @Test
  void chinaRegionsUseTheirPartitionsStsHost() {
    assertThat(EksTokenSigner.stsHost("cn-north-1")).isEqualTo("sts.cn-north-1.amazonaws.com.cn");
    assertThat(EksTokenSigner.stsHost("us-west-2")).isEqualTo("sts.us-west-2.amazonaws.com");
  }

  @Test
  void tokenSourceReusesATokenUntilItIsRefreshAfterOld() {
    SteppedClock clock = new SteppedClock(SIGNED_AT);
    EksTokenSource source =
        new EksTokenSource(
            new ClusterRef("eu-west-1", "shop"),
            StaticCredentialsProvider.create(KEYS),
            Duration.ofMinutes(10),
            clock);

    String first = source.getToken();
    clock.advance(Duration.ofMinutes(9).plusSeconds(59));
    assertThat(source.getToken()).isEqualTo(first);
    clock.advance(Duration.ofSeconds(1));
    String second = source.getToken();

    assertThat(second).isNotEqualTo(first);
    assertThat(query(decode(second))).containsEntry("X-Amz-Date", "20260301T124456Z");
    assertThat(source.tokensMade()).isEqualTo(2);
    assertThat(source.toString()).doesNotContain("k8s-aws-v1");
  }

  static URI decode(String token) {
    byte[] url = Base64.getUrlDecoder().decode(token.substring("k8s-aws-v1.".length()));
    return URI.create(new String(url, StandardCharsets.UTF_8));
  }

  static Map<String, String> query(URI url) {
    Map<String, String> query = new LinkedHashMap<>();
    for (String pair : url.getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      query.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return query;
  }

  private static String expectedSignature(Map<String, String> query, String host, String cluster)
      throws Exception {
    TreeMap<String, String> signed = new TreeMap<>(query);
    signed.remove("X-Amz-Signature");
    String canonicalQuery =
        signed.entrySet().stream()
            .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
            .collect(Collectors.joining("&"));
    String emptyBodyHash = hex(MessageDigest.getInstance("SHA-256").digest(new byte[0]));
    String canonicalRequest =
        String.join(
            "\n",
            "GET",
            "/",
            canonicalQuery,
            "host:" + host,
            "x-k8s-aws-id:" + cluster,
            "",
            "host;x-k8s-aws-id",
            emptyBodyHash);
    String date = query.get("X-Amz-Date");
    String scope = date.substring(0, 8) + "/eu-west-1/sts/aws4_request";
    String stringToSign =
        String.join(
            "\n",
            "AWS4-HMAC-SHA256",
            date,
            scope,
            hex(MessageDigest.getInstance("SHA-256").digest(canonicalRequest.getBytes(StandardCharsets.UTF_8))));
    byte[] key = ("AWS4" + KEYS.secretAccessKey()).getBytes(StandardCharsets.UTF_8);
    for (String part : new String[] {date.substring(0, 8), "eu-west-1", "sts", "aws4_request"}) {
      key = hmac(key, part);
    }
    return hex(hmac(key, stringToSign));
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8)
        .replace("+", "%20")
        .replace("*", "%2A")
        .replace("%7E", "~");
  }

  private static byte[] hmac(byte[] key, String data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
