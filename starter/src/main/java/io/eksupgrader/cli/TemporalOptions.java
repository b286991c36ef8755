package io.eksupgrader.cli;

import io.eksupgrader.workflows.codec.PayloadEncryptionCodec;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where the CLI finds Temporal, shared by every command that talks to it. */
public class TemporalOptions {

  @Option(
      names = "--temporal",
      defaultValue = "${EKS_UPGRADER_TEMPORAL:-localhost:7233}",
      description = "Temporal frontend host:port (env EKS_UPGRADER_TEMPORAL; default ${DEFAULT-VALUE}).")
  String target;

  @Option(
      names = "--namespace",
      defaultValue = "${EKS_UPGRADER_NAMESPACE:-default}",
      description = "Temporal namespace (env EKS_UPGRADER_NAMESPACE; default ${DEFAULT-VALUE}).")
  String namespace;

  @Option(
      names = "--task-queue",
      defaultValue = "${EKS_UPGRADER_TASK_QUEUE:-eks-upgrader}",
      description = "Task queue the worker polls (env EKS_UPGRADER_TASK_QUEUE; default ${DEFAULT-VALUE}).")
  String taskQueue;

  @Option(
      names = "--identity",
      defaultValue = "${EKS_UPGRADER_IDENTITY:-${sys:user.name}}",
      description = "Who you are in approvals, decisions and the audit (env EKS_UPGRADER_IDENTITY; default: the OS user).")
  String identity;

  @Option(
      names = "--payload-key-file",
      defaultValue = "${EKS_UPGRADER_PAYLOAD_KEY_FILE:-}",
      description =
          "The worker's current payload encryption key (base64 of 32 bytes), when it encrypts payloads"
              + " (env EKS_UPGRADER_PAYLOAD_KEY_FILE; default: none, payloads in plain JSON).")
  String payloadKeyFile;

  @Option(
      names = "--payload-key-id",
      defaultValue = "${EKS_UPGRADER_PAYLOAD_KEY_ID:-primary}",
      description = "The id of that key, as the worker's key-id (env EKS_UPGRADER_PAYLOAD_KEY_ID; default ${DEFAULT-VALUE}).")
  String payloadKeyId;

  @Option(
      names = "--payload-previous-key",
      paramLabel = "ID=FILE",
      description = "An older key that still decrypts histories written with it; repeatable.")
  Map<String, String> payloadPreviousKeys = new LinkedHashMap<>();

  /**
   * The codec the worker uses, when {@code --payload-key-file} is given: without it an encrypting
   * worker's statuses cannot be read and its approvals would reach it in plain JSON.
   */
  Optional<PayloadEncryptionCodec> payloadCodec() {
    if (payloadKeyFile == null || payloadKeyFile.isBlank()) {
      if (payloadPreviousKeys != null && !payloadPreviousKeys.isEmpty()) {
        throw new CliFailure(ExitCodes.BAD_INPUT, "--payload-previous-key needs --payload-key-file as well");
      }
      return Optional.empty();
    }
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put(payloadKeyId, readKey("--payload-key-file", payloadKeyFile));
    if (payloadPreviousKeys != null) {
      payloadPreviousKeys.forEach((id, file) -> keys.putIfAbsent(id, readKey("--payload-previous-key " + id, file)));
    }
    try {
      return Optional.of(PayloadEncryptionCodec.of(payloadKeyId, keys));
    } catch (IllegalArgumentException e) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "--payload-key-file: " + e.getMessage());
    }
  }

  private static String readKey(String option, String file) {
    try {
      return Files.readString(Path.of(file), StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.BAD_INPUT, option + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** The client options every command uses: namespace, identity and, when configured, the codec. */
  WorkflowClientOptions clientOptions() {
    WorkflowClientOptions.Builder options =
        WorkflowClientOptions.newBuilder().setNamespace(namespace).setIdentity(identity + "@eks-upgrader-cli");
    payloadCodec()
        .ifPresent(
            codec ->
                options.setDataConverter(
                    new CodecDataConverter(DefaultDataConverter.newDefaultInstance(), List.of(codec))));
    return options.build();
  }

  /**
   * Who this CLI runs as, whatever {@code --identity} claims: the OS user at this host. Approvals
   * and decisions carry it beside the claimed name, and four eyes compares both with the starter.
   */
  static String clientIdentity() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "unknown-host";
    }
    return System.getProperty("user.name") + "@" + host;
  }

  /** Opens a client; the caller closes the returned connection. */
  public TemporalConnection connect() {
    WorkflowClientOptions clientOptions = clientOptions();
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(target)
                .setRpcTimeout(Duration.ofSeconds(10))
                .build());
    WorkflowClient client = WorkflowClient.newInstance(stubs, clientOptions);
    return new TemporalConnection(stubs, client, this);
  }
}
