package io.eksupgrader.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.eksupgrader.sandbox.CallLog.Effect;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.ThrottlingException;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * One endpoint serves every AWS service the activities call, told apart by the service name in
 * the request's signature; injected faults reach all of them, each in its protocol's format.
 */
class SandboxServicesTest {

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
  }

  private SandboxServer sandbox(String faults) {
    SandboxServer server =
        SandboxServer.start(
            Scenario.parse(
                """
                name: services
                clusters:
                  - name: demo
                    region: us-east-1
                    version: "1.32"
                    nodeGroups: [{name: blue}]
                faults: %s
                """
                    .formatted(faults),
                "services.yaml"),
            0);
    resources.add(server);
    return server;
  }

  private <T extends AutoCloseable> T keep(T client) {
    resources.add(client);
    return client;
  }

  private static String code(Throwable e) {
    return ((AwsServiceException) e).awsErrorDetails().errorCode();
  }

  private static int status(Throwable e) {
    return ((AwsServiceException) e).statusCode();
  }

  @Test
  void throttlingReachesEveryServiceInItsOwnWords() {
    SandboxServer sandbox = sandbox("{throttlingRate: 1.0}");
    EksClient eks = keep(EksClients.attempts(sandbox, "us-east-1", 1));
    AutoScalingClient autoScaling = keep(AwsClients.autoScaling(sandbox, "us-east-1", 1));
    Ec2Client ec2 = keep(AwsClients.ec2(sandbox, "us-east-1", 1));
    SsmClient ssm = keep(AwsClients.ssm(sandbox, "us-east-1", 1));

    assertThatThrownBy(() -> eks.deleteNodegroup(r -> r.clusterName("demo").nodegroupName("blue")))
        .isInstanceOf(ThrottlingException.class);
    assertThatThrownBy(
            () -> autoScaling.setInstanceProtection(r -> r.autoScalingGroupName("x").instanceIds("i-1").protectedFromScaleIn(false)))
        .satisfies(e -> assertThat(code(e)).isEqualTo("Throttling"))
        .satisfies(e -> assertThat(((AwsServiceException) e).isThrottlingException()).isTrue());
    assertThatThrownBy(() -> ec2.describeLaunchTemplateVersions(r -> r.launchTemplateId("lt-1")))
        .satisfies(e -> assertThat(code(e)).isEqualTo("RequestLimitExceeded"))
        .satisfies(e -> assertThat(status(e)).isEqualTo(503));
    assertThatThrownBy(() -> ssm.getParameter(r -> r.name("/aws/service/eks/optimized-ami/1.32/amazon-linux-2/recommended/image_id")))
        .satisfies(e -> assertThat(code(e)).isEqualTo("ThrottlingException"));

    assertThat(sandbox.stats().throttled()).as("reads and writes of all services drew faults").isEqualTo(4);
    assertThat(sandbox.callLog().entries())
        .as("refused mutating calls are logged with the service's error code")
        .extracting(CallLog.Entry::service, CallLog.Entry::operation, CallLog.Entry::effect, CallLog.Entry::errorCode)
        .containsExactly(
            tuple("eks", "DeleteNodegroup", Effect.REJECTED, "ThrottlingException"),
            tuple("autoscaling", "SetInstanceProtection", Effect.REJECTED, "Throttling"));
  }

  @Test
  void serverErrorsReachEveryService() {
    SandboxServer sandbox = sandbox("{serverErrorRate: 1.0}");
    AutoScalingClient autoScaling = keep(AwsClients.autoScaling(sandbox, "us-east-1", 1));
    Ec2Client ec2 = keep(AwsClients.ec2(sandbox, "us-east-1", 1));
    SsmClient ssm = keep(AwsClients.ssm(sandbox, "us-east-1", 1));

    assertThatThrownBy(() -> autoScaling.describeAutoScalingGroups())
        .satisfies(e -> assertThat(status(e)).isEqualTo(500))
        .satisfies(e -> assertThat(code(e)).isEqualTo("InternalFailure"));
    assertThatThrownBy(() -> ec2.createLaunchTemplateVersion(r -> r.launchTemplateId("lt-1").clientToken("t")))
        .satisfies(e -> assertThat(status(e)).isEqualTo(500))
        .satisfies(e -> assertThat(code(e)).isEqualTo("InternalError"));
    assertThatThrownBy(() -> ssm.getParameter(r -> r.name("/x")))
        .satisfies(e -> assertThat(status(e)).isEqualTo(500));
    assertThat(sandbox.callLog().entries())
        .extracting(CallLog.Entry::operation, CallLog.Entry::status, CallLog.Entry::clientRequestToken)
        .containsExactly(tuple("CreateLaunchTemplateVersion", 500, "t"));
  }

  @Test
  void unknownServicesAndOperationsAreNamedInTheAnswer() throws Exception {
    SandboxServer sandbox = sandbox("{}");
    HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> cloudFormation = post(http, sandbox, "cloudformation", "Action=ListStacks&Version=2010-05-15");
    HttpResponse<String> createLaunchConfiguration =
        post(http, sandbox, "autoscaling", "Action=CreateLaunchConfiguration&Version=2011-01-01&LaunchConfigurationName=x");
    HttpResponse<String> noAction = post(http, sandbox, "ec2", "Version=2016-11-15");

    assertThat(cloudFormation.statusCode()).isEqualTo(400);
    assertThat(cloudFormation.body())
        .contains("<Code>UnknownService</Code>")
        .contains("'cloudformation'")
        .contains("eks, autoscaling, ec2, ssm, iam, kms");
    assertThat(createLaunchConfiguration.statusCode()).isEqualTo(400);
    assertThat(createLaunchConfiguration.body())
        .contains("<ErrorResponse")
        .contains("<Type>Sender</Type>")
        .contains("<Code>InvalidAction</Code>")
        .contains("CreateLaunchConfiguration");
    assertThat(noAction.body()).contains("<Response><Errors><Error><Code>MissingAction</Code>");
    assertThat(sandbox.callLog().entries())
        .extracting(CallLog.Entry::service, CallLog.Entry::operation, CallLog.Entry::effect, CallLog.Entry::errorCode)
        .containsExactly(tuple("autoscaling", "CreateLaunchConfiguration", Effect.REJECTED, "InvalidAction"));
  }

  private static HttpResponse<String> post(HttpClient http, SandboxServer sandbox, String service, String form)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(sandbox.endpoint() + "/"))
            .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
            .header(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDSANDBOX/20261123/us-east-1/"
                    + service
                    + "/aws4_request, SignedHeaders=host, Signature=0")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
