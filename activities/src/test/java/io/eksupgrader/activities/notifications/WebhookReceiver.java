package io.eksupgrader.activities.notifications;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;

/**
 * A chat tool's incoming webhook on an ephemeral loopback port: it records every request and
 * gives the scripted answers in turn, then the last one again. Its URL carries a secret in the
 * path and the query, as real webhook URLs do, so tests can look for it where it must not be.
 */
final class WebhookReceiver implements AutoCloseable {

  /** The part of the URL that tests look for in logs, results and failures. */
  static final String SECRET = "xoxSecretToken42";

  record Answer(int status, String body, Map<String, String> headers, Duration delay) {
    static Answer of(int status) {
      return new Answer(status, "", Map.of(), Duration.ZERO);
    }

    static Answer of(int status, String body) {
      return new Answer(status, body, Map.of(), Duration.ZERO);
    }

    Answer withHeader(String name, String value) {
      return new Answer(status, body, Map.of(name, value), delay);
    }

    Answer after(Duration wait) {
      return new Answer(status, body, headers, wait);
    }
  }

  record Received(String method, String path, String query, String contentType, String body, long atMillis) {}

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final Deque<Answer> answers;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final LongSupplier clock;

  private WebhookReceiver(List<Answer> script, LongSupplier clock) throws IOException {
    this.answers = new ArrayDeque<>(script);
    this.clock = clock;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(threads);
    server.createContext(
        "/",
        exchange -> {
          byte[] body;
          try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
          }
          received.add(
              new Received(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getPath(),
                  exchange.getRequestURI().getRawQuery(),
                  exchange.getRequestHeaders().getFirst("Content-Type"),
                  new String(body, StandardCharsets.UTF_8),
                  clock.getAsLong()));
          Answer answer = next();
          if (!answer.delay().isZero()) {
            try {
              Thread.sleep(answer.delay().toMillis());
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
          byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
          if (out.length > 0) {
            try (OutputStream os = exchange.getResponseBody()) {
              os.write(out);
            }
          }
          exchange.close();
        });
    server.start();
  }

  static WebhookReceiver answering(Answer... script) throws IOException {
    return new WebhookReceiver(List.of(script), System::currentTimeMillis);
  }

  /** Records each request's time on the given clock, e.g. a test environment's skipping one. */
  static WebhookReceiver answering(LongSupplier clock, Answer... script) throws IOException {
    return new WebhookReceiver(List.of(script), clock);
  }

  private synchronized Answer next() {
    return answers.size() > 1 ? answers.poll() : answers.peek();
  }

  /** The webhook's URL, with its secret. */
  URI url() {
    return URI.create(
        "http://127.0.0.1:" + server.getAddress().getPort() + "/services/T0001/B0001/" + SECRET + "?token=" + SECRET);
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
