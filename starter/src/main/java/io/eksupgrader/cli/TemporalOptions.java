package io.eksupgrader.cli;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
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
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(target)
                .setRpcTimeout(Duration.ofSeconds(10))
                .build());
    WorkflowClient client =
        WorkflowClient.newInstance(
            stubs,
            WorkflowClientOptions.newBuilder().setNamespace(namespace).setIdentity(identity + "@eks-upgrader-cli").build());
    return new TemporalConnection(stubs, client, this);
  }
}
