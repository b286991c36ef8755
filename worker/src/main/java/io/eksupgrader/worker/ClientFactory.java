package io.eksupgrader.worker;

import io.eksupgrader.activities.eks.DefaultEksClientProvider;
import io.eksupgrader.activities.eks.EksClientSettings;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.List;

/** The clients the worker needs, each built from its configuration. */
@Factory
public class ClientFactory {

  @Singleton
  @Bean(preDestroy = "shutdown")
  WorkflowServiceStubs workflowServiceStubs(TemporalSettings temporal) {
    WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.getTarget());
    if (!temporal.isStickyExecution()) {
      options.setGrpcClientInterceptors(List.of(new NoStickyExecutionInterceptor()));
    }
    return WorkflowServiceStubs.newServiceStubs(options.build());
  }

  @Singleton
  WorkflowClient workflowClient(WorkflowServiceStubs stubs, TemporalSettings temporal) {
    return WorkflowClient.newInstance(
        stubs, WorkflowClientOptions.newBuilder().setNamespace(temporal.getNamespace()).build());
  }

  @Singleton
  @Bean(preDestroy = "shutdown")
  WorkerFactory workerFactory(WorkflowClient client) {
    return WorkerFactory.newInstance(client);
  }

  @Singleton
  @Bean(preDestroy = "close")
  DefaultEksClientProvider eksClientProvider(AwsSettings aws) {
    URI endpoint = aws.getEndpointOverride().isBlank() ? null : URI.create(aws.getEndpointOverride());
    return new DefaultEksClientProvider(
        new EksClientSettings(
            endpoint,
            aws.getAccessKeyId().isBlank() ? null : aws.getAccessKeyId(),
            aws.getSecretAccessKey().isBlank() ? null : aws.getSecretAccessKey()));
  }
}
