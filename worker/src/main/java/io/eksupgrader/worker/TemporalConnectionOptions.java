package io.eksupgrader.worker;

import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.temporal.serviceclient.SimpleSslContextBuilder;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Turns {@code eks-upgrader.temporal.*} into the options of the Temporal service stubs: plaintext
 * by default; TLS with {@code tls.enabled}, checked against {@code tls.ca-file} or the JVM's trust
 * store; mTLS with {@code tls.cert-file} and {@code tls.key-file}; an API key (Temporal Cloud) from
 * {@code api-key-file} or {@code api-key}, only over TLS. Every problem is found before the worker
 * polls and reported together, each naming its key; the API key never appears in a message.
 */
final class TemporalConnectionOptions {

  static final String PREFIX = "eks-upgrader.temporal.";
  static final String TLS_ENABLED = PREFIX + "tls.enabled";
  static final String CERT_FILE = PREFIX + "tls.cert-file";
  static final String KEY_FILE = PREFIX + "tls.key-file";
  static final String CA_FILE = PREFIX + "tls.ca-file";
  static final String SERVER_NAME = PREFIX + "tls.server-name";
  static final String API_KEY = PREFIX + "api-key";
  static final String API_KEY_FILE = PREFIX + "api-key-file";

  private static final String PEM_CERTIFICATE = "-----BEGIN CERTIFICATE-----";
  private static final Pattern PEM_PRIVATE_KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private TemporalConnectionOptions() {}

  /** The stubs' options without the interceptors; throws IllegalStateException listing every problem. */
  static WorkflowServiceStubsOptions.Builder build(TemporalSettings temporal, TemporalTlsSettings tls) {
    List<String> problems = new ArrayList<>();
    WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.getTarget());

    boolean apiKeyGiven = !temporal.getApiKey().isBlank();
    boolean apiKeyFileGiven = !temporal.getApiKeyFile().isBlank();
    if (!tls.isEnabled()) {
      for (String[] set : List.of(
          new String[] {CERT_FILE, tls.getCertFile()},
          new String[] {KEY_FILE, tls.getKeyFile()},
          new String[] {CA_FILE, tls.getCaFile()},
          new String[] {SERVER_NAME, tls.getServerName()})) {
        if (!set[1].isBlank()) {
          problems.add(set[0] + " is set but " + TLS_ENABLED + " is false: set " + TLS_ENABLED + ": true, or clear " + set[0]);
        }
      }
      if (apiKeyGiven || apiKeyFileGiven) {
        problems.add((apiKeyFileGiven ? API_KEY_FILE : API_KEY) + " is set but " + TLS_ENABLED
            + " is false: an API key is sent only over TLS (Temporal Cloud needs TLS anyway)");
      }
    } else {
      SslContext sslContext = sslContext(tls, problems);
      if (sslContext != null) {
        options.setSslContext(sslContext);
      }
      if (!tls.getServerName().isBlank()) {
        String serverName = tls.getServerName().strip();
        options.setChannelInitializer(channel -> channel.overrideAuthority(serverName));
      }
    }

    if (apiKeyGiven && apiKeyFileGiven) {
      problems.add(API_KEY + " and " + API_KEY_FILE + " are both set: keep one");
    } else if (tls.isEnabled() && apiKeyFileGiven) {
      Path file = Path.of(temporal.getApiKeyFile().strip());
      if (readableFile(API_KEY_FILE, file, problems)) {
        try {
          ApiKeyFile supplier = new ApiKeyFile(API_KEY_FILE, file);
          options.addApiKey(supplier);
        } catch (IllegalStateException e) {
          problems.add(e.getMessage());
        }
      }
    } else if (tls.isEnabled() && apiKeyGiven) {
      String key = temporal.getApiKey().strip();
      options.addApiKey(() -> key);
    }

    if (!problems.isEmpty()) {
      throw new IllegalStateException("invalid Temporal connection configuration:\n  " + String.join("\n  ", problems));
    }
    return options;
  }

  /** How the worker connects, for the startup log: never a key, only which files. */
  static String describe(TemporalSettings temporal, TemporalTlsSettings tls) {
    if (!tls.isEnabled()) {
      return "plaintext";
    }
    StringBuilder s = new StringBuilder(tls.getCertFile().isBlank() ? "TLS" : "mTLS (client certificate " + tls.getCertFile() + ")");
    s.append(tls.getCaFile().isBlank() ? ", server checked against the JVM's trust store" : ", server checked against " + tls.getCaFile());
    if (!tls.getServerName().isBlank()) {
      s.append(" as ").append(tls.getServerName());
    }
    if (!temporal.getApiKeyFile().isBlank()) {
      s.append(", API key from ").append(temporal.getApiKeyFile());
    } else if (!temporal.getApiKey().isBlank()) {
      s.append(", API key from ").append(API_KEY);
    }
    return s.toString();
  }

  private static SslContext sslContext(TemporalTlsSettings tls, List<String> problems) {
    int before = problems.size();
    boolean certGiven = !tls.getCertFile().isBlank();
    boolean keyGiven = !tls.getKeyFile().isBlank();
    if (certGiven && !keyGiven) {
      problems.add(CERT_FILE + " is set without " + KEY_FILE + ": a client certificate needs its private key");
    }
    if (keyGiven && !certGiven) {
      problems.add(KEY_FILE + " is set without " + CERT_FILE + ": a private key needs its client certificate");
    }
    Path cert = certGiven ? Path.of(tls.getCertFile().strip()) : null;
    Path key = keyGiven ? Path.of(tls.getKeyFile().strip()) : null;
    Path ca = tls.getCaFile().isBlank() ? null : Path.of(tls.getCaFile().strip());
    List<X509Certificate> chain = List.of();
    if (cert != null && readableFile(CERT_FILE, cert, problems)) {
      chain = certificates(CERT_FILE, cert, problems, true);
    }
    if (key != null && readableFile(KEY_FILE, key, problems)) {
      PrivateKey privateKey = pkcs8Key(key, chain.isEmpty() ? null : chain.get(0).getPublicKey().getAlgorithm(), problems);
      if (privateKey != null && !chain.isEmpty() && !belongTogether(chain.get(0), privateKey)) {
        problems.add(KEY_FILE + ": the key in " + key + " is not the key of the certificate in " + cert + " ("
            + CERT_FILE + "): were they taken from different Secrets or renewals?");
      }
    }
    TrustManager trust = null;
    if (ca != null && readableFile(CA_FILE, ca, problems)) {
      trust = trustManager(ca, certificates(CA_FILE, ca, problems, false), problems);
    }
    if (problems.size() > before) {
      return null;
    }
    try {
      SimpleSslContextBuilder builder;
      if (cert != null && key != null) {
        try (InputStream certIn = Files.newInputStream(cert); InputStream keyIn = Files.newInputStream(key)) {
          builder = SimpleSslContextBuilder.forPKCS8(certIn, keyIn);
          if (trust != null) {
            builder.setTrustManager(trust);
          }
          return builder.build();
        }
      }
      builder = SimpleSslContextBuilder.noKeyOrCertChain();
      if (trust != null) {
        builder.setTrustManager(trust);
      }
      return builder.build();
    } catch (IOException | RuntimeException e) {
      problems.add(cert != null
          ? CERT_FILE + " / " + KEY_FILE + ": " + cert + " and " + key + " do not make a client certificate with its key: " + e.getMessage()
          : TLS_ENABLED + ": no TLS context could be made" + (ca != null ? " with " + CA_FILE + " " + ca : "") + ": " + e.getMessage());
      return null;
    }
  }

  private static boolean readableFile(String configKey, Path file, List<String> problems) {
    if (!Files.exists(file)) {
      problems.add(configKey + ": " + file + " does not exist (is the Secret mounted there?)");
      return false;
    }
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      problems.add(configKey + ": " + file + " is not a readable file (check the volume's defaultMode and the pod's fsGroup)");
      return false;
    }
    return true;
  }

  /** The PEM certificates of a file; a client certificate that has expired is a problem too. */
  private static List<X509Certificate> certificates(String configKey, Path file, List<String> problems, boolean clientCertificate) {
    List<X509Certificate> result = new ArrayList<>();
    try {
      String pem = Files.readString(file, StandardCharsets.US_ASCII);
      if (!pem.contains(PEM_CERTIFICATE)) {
        problems.add(configKey + ": " + file + " holds no PEM certificate (" + PEM_CERTIFICATE + ")");
        return result;
      }
      try (InputStream in = Files.newInputStream(file)) {
        Collection<? extends java.security.cert.Certificate> read = CertificateFactory.getInstance("X.509").generateCertificates(in);
        read.forEach(c -> result.add((X509Certificate) c));
      }
    } catch (IOException | GeneralSecurityException e) {
      problems.add(configKey + ": " + file + " cannot be read as PEM certificates: " + e.getMessage());
      return result;
    }
    if (clientCertificate && !result.isEmpty()) {
      Instant notAfter = result.get(0).getNotAfter().toInstant();
      if (notAfter.isBefore(Instant.now())) {
        problems.add(configKey + ": the certificate in " + file + " (" + result.get(0).getSubjectX500Principal().getName()
            + ") expired at " + notAfter);
      }
    }
    return result;
  }

  /**
   * The unencrypted PKCS#8 key of a PEM file, or null with a problem. Netty reads only that form
   * without extra libraries: say how to convert the others.
   */
  private static PrivateKey pkcs8Key(Path file, String algorithm, List<String> problems) {
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      problems.add(KEY_FILE + ": cannot read " + file + ": " + e.getMessage());
      return null;
    }
    Supplier<String> convert = () -> "; convert it with: openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName()
        + " -out key.pkcs8.pem (cert-manager: spec.privateKey.encoding: PKCS8)";
    if (pem.contains("-----BEGIN RSA PRIVATE KEY-----") || pem.contains("-----BEGIN EC PRIVATE KEY-----")) {
      problems.add(KEY_FILE + ": " + file + " is a PKCS#1/SEC1 key, the worker reads PKCS#8 (BEGIN PRIVATE KEY)" + convert.get());
      return null;
    }
    if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
      problems.add(KEY_FILE + ": " + file + " is an encrypted key; the worker reads an unencrypted PKCS#8 key" + convert.get());
      return null;
    }
    Matcher block = PEM_PRIVATE_KEY.matcher(pem);
    if (!block.find()) {
      problems.add(KEY_FILE + ": " + file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
      return null;
    }
    if (algorithm == null) {
      return null;
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(block.group(1));
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      problems.add(KEY_FILE + ": " + file + " is not a readable " + algorithm + " PKCS#8 key: " + e.getMessage());
      return null;
    }
  }

  /** Signs a few bytes with the key and checks them with the certificate's public key. */
  private static boolean belongTogether(X509Certificate certificate, PrivateKey key) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null) {
      return true;
    }
    try {
      byte[] probe = "eks-upgrader key check".getBytes(StandardCharsets.US_ASCII);
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(certificate.getPublicKey());
      verify.update(probe);
      return verify.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static TrustManager trustManager(Path file, List<X509Certificate> cas, List<String> problems) {
    if (cas.isEmpty()) {
      return null;
    }
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509TrustManager) {
          return manager;
        }
      }
      problems.add(CA_FILE + ": the JVM made no X.509 trust manager from " + file);
    } catch (IOException | GeneralSecurityException e) {
      problems.add(CA_FILE + ": " + file + " cannot be used as trusted CAs: " + e.getMessage());
    }
    return null;
  }
}
