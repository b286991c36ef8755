package io.eksupgrader.sandbox.kube;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The https front of one sandbox API server, in front of the plain-http mock server: client-go (and
 * so Helm) sends a kubeconfig's bearer token only over TLS, and fabric8's mock cannot take a
 * certificate of our choosing.
 *
 * <p>It listens with an {@link SSLServerSocket} on a free port of 127.0.0.1 and presents the
 * sandbox certificate ({@code kube/apiserver.crt}, SAN {@code IP:127.0.0.1} and {@code
 * DNS:localhost}, self-signed with CA:TRUE so that the same PEM is the CA DescribeCluster reports).
 * Each accepted connection completes its handshake, opens a plain connection to the mock's port,
 * and two threads copy bytes each way until either side ends; then both sockets close. It offers no
 * ALPN protocols, so clients speak HTTP/1.1, which is what the mock serves.
 *
 * <p>The private key ({@code kube/apiserver.key}) is a sandbox-only key, public with the sources:
 * it guards nothing but local test servers.
 */
final class ApiServerTls implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ApiServerTls.class);

  private static final String CERTIFICATE = "kube/apiserver.crt";
  private static final String KEY = "kube/apiserver.key";

  /** A client that connects but never finishes its handshake must not hold a thread forever. */
  private static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final SSLServerSocket server;
  private final int plainPort;
  private final ExecutorService threads;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private ApiServerTls(SSLServerSocket server, int plainPort, String name) {
    this.server = server;
    this.plainPort = plainPort;
    this.threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "kube-" + name + "-tls-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    threads.execute(this::acceptLoop);
  }

  /** Starts the front for the mock listening on {@code plainPort} of 127.0.0.1. */
  static ApiServerTls start(int plainPort, String clusterName) {
    try {
      SSLServerSocket server =
          (SSLServerSocket)
              Identity.CONTEXT
                  .getServerSocketFactory()
                  .createServerSocket(0, 64, InetAddress.getLoopbackAddress());
      return new ApiServerTls(server, plainPort, clusterName);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the https port of cluster " + clusterName, e);
    }
  }

  /** The PEM of the certificate the front presents, which is also its CA. */
  static String certificatePem() {
    return pemBlock(resource(CERTIFICATE), "CERTIFICATE");
  }

  URI url() {
    return URI.create("https://127.0.0.1:" + server.getLocalPort());
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (!closed) {
          log.warn("https front of the sandbox API server stopped accepting", e);
        }
        return;
      }
      open.add(client);
      threads.execute(() -> serve((SSLSocket) client));
    }
  }

  private void serve(SSLSocket client) {
    Socket upstream = null;
    try {
      client.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
      client.startHandshake();
      // Watches may stay quiet for long; only the handshake has a deadline.
      client.setSoTimeout(0);
      upstream = new Socket();
      open.add(upstream);
      upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), plainPort));
      Socket plain = upstream;
      threads.execute(() -> pipe(plain, client));
      pipe(client, plain);
    } catch (IOException e) {
      // A client that gives up during the handshake, e.g. one that does not trust the CA.
      log.debug("https connection to the sandbox API server ended: {}", e.toString());
      closeBoth(client, upstream);
    }
  }

  /** Copies until {@code from} ends, then closes both ends so the other direction stops too. */
  private void pipe(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (SocketException e) {
      // The other direction closed the sockets: the connection is over.
    } catch (IOException e) {
      log.debug("https connection to the sandbox API server broke: {}", e.toString());
    } finally {
      closeBoth(from, to);
    }
  }

  private void closeBoth(Socket a, Socket b) {
    for (Socket s : new Socket[] {a, b}) {
      if (s == null) {
        continue;
      }
      open.remove(s);
      try {
        s.close();
      } catch (IOException e) {
        // already closed
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket s : open) {
      closeBoth(s, null);
    }
    threads.shutdownNow();
  }

  /** The certificate and key, loaded once for every cluster of the JVM. */
  private static final class Identity {
    static final SSLContext CONTEXT = sslContext();
  }

  private static SSLContext sslContext() {
    try {
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      Certificate certificate =
          x509.generateCertificate(
              new ByteArrayInputStream(certificatePem().getBytes(StandardCharsets.US_ASCII)));
      byte[] pkcs8 = Base64.getMimeDecoder().decode(body(pemBlock(resource(KEY), "PRIVATE KEY")));
      PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      char[] password = new char[0];
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("apiserver", key, password, new Certificate[] {certificate});
      KeyManagerFactory managers =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      managers.init(keys, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(managers.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("the sandbox API server certificate cannot be loaded", e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = ApiServerTls.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing sandbox resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The BEGIN…END block of a PEM file, without the explanation written above it. */
  private static String pemBlock(String text, String label) {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalStateException("no " + label + " block in a sandbox PEM resource");
    }
    return text.substring(from, to + end.length()) + "\n";
  }

  private static String body(String block) {
    return block.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").trim();
  }
}
