package io.eksupgrader.worker;

import com.uber.m3.tally.Scope;
import io.eksupgrader.activities.eks.DefaultAwsClientsProvider;
import io.eksupgrader.activities.eks.DefaultEksClientProvider;
import io.eksupgrader.activities.eks.EksClientProvider;
import io.eksupgrader.activities.eks.EksClientSettings;
import io.eksupgrader.activities.kube.EksKubernetesClientProvider;
import io.eksupgrader.workflows.codec.PayloadEncryptionCodec;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.core.annotation.Nullable;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The clients the worker needs, each built from its configuration. */
@Factory
public class ClientFactory {

  private static final Logger log = LoggerFactory.getLogger(ClientFactory.class);

  /** Plaintext, TLS, mTLS and API key from {@code eks-upgrader.temporal.*}; bad settings stop the worker here. */
  @Singleton
  @Bean(preDestroy = "shutdown")
  WorkflowServiceStubs workflowServiceStubs(
      TemporalSettings temporal, TemporalTlsSettings tls, @Nullable Scope metrics) {
    WorkflowServiceStubsOptions.Builder options = TemporalConnectionOptions.build(temporal, tls);
    if (metrics != null) {
      // The SDK's metrics, and every scope it derives from this one (worker, activity, workflow).
      options.setMetricsScope(metrics);
    }
    if (!temporal.isStickyExecution()) {
      options.setGrpcClientInterceptors(List.of(new NoStickyExecutionInterceptor()));
    }
    log.info("Temporal at {}: {}", temporal.getTarget(), TemporalConnectionOptions.describe(temporal, tls));
    return WorkflowServiceStubs.newServiceStubs(options.build());
  }

  /**
   * With {@code eks-upgrader.temporal.payload-encryption.key-file} set, every payload is encrypted
   * before it reaches Temporal; payloads that arrive unencrypted (the UI's Send Signal) still decode.
   */
  @Singleton
  WorkflowClient workflowClient(
      WorkflowServiceStubs stubs, TemporalSettings temporal, PayloadEncryptionSettings encryption) {
    Optional<PayloadEncryptionCodec> codec = PayloadEncryption.codec(encryption);
    codec.ifPresentOrElse(
        c -> log.info("Temporal payloads encrypted with AES-256-GCM, key id {}", c.currentKeyId()),
        () -> log.info("Temporal payloads not encrypted ({}key-file is empty)", PayloadEncryption.PREFIX));
    return WorkflowClient.newInstance(
        stubs,
        WorkflowClientOptions.newBuilder()
            .setNamespace(temporal.getNamespace())
            .setDataConverter(PayloadEncryption.dataConverter(codec))
            .build());
  }

  @Singleton
  @Bean(preDestroy = "shutdown")
  WorkerFactory workerFactory(WorkflowClient client) {
    return WorkerFactory.newInstance(client);
  }

  @Singleton
  @Bean(preDestroy = "close")
  DefaultEksClientProvider eksClientProvider(AwsSettings aws) {
    return new DefaultEksClientProvider(awsClientSettings(aws));
  }

  /** EC2, Auto Scaling and SSM clients, configured like the EKS ones. */
  @Singleton
  @Bean(preDestroy = "close")
  DefaultAwsClientsProvider awsClientsProvider(AwsSettings aws) {
    return new DefaultAwsClientsProvider(awsClientSettings(aws));
  }

  /** Kubernetes clients for target clusters, found through DescribeCluster. */
  @Singleton
  @Bean(preDestroy = "close")
  EksKubernetesClientProvider kubernetesClientProvider(EksClientProvider eks, KubernetesSettings kubernetes) {
    return new EksKubernetesClientProvider(eks, kubernetes.toClientSettings());
  }

  private static EksClientSettings awsClientSettings(AwsSettings aws) {
    URI endpoint = aws.getEndpointOverride().isBlank() ? null : URI.create(aws.getEndpointOverride());
    return new EksClientSettings(
        endpoint,
        aws.getAccessKeyId().isBlank() ? null : aws.getAccessKeyId(),
        aws.getSecretAccessKey().isBlank() ? null : aws.getSecretAccessKey());
  }
}
