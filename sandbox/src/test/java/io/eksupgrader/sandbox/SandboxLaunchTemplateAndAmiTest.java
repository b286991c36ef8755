package io.eksupgrader.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.eksupgrader.sandbox.CallLog.Effect;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateLaunchTemplateVersionRequest;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.AMITypes;
import software.amazon.awssdk.services.eks.model.InvalidParameterException;
import software.amazon.awssdk.services.eks.model.Nodegroup;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/**
 * The parts of EC2 and SSM that a blue/green node group replacement reads and writes: the
 * versions of a node group's launch template, a new version with a new image, and the public
 * parameters that name the EKS-optimized AMIs.
 */
class SandboxLaunchTemplateAndAmiTest {

  private static final String AL2023 =
      "/aws/service/eks/optimized-ami/%s/amazon-linux-2023/x86_64/standard/recommended/image_id";
  private static final String AL2 = "/aws/service/eks/optimized-ami/%s/amazon-linux-2/recommended/image_id";

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
  }

  private SandboxServer sandbox() {
    SandboxServer server =
        SandboxServer.start(
            Scenario.parse(
                """
                name: templates
                startTime: 2026-11-23T09:00:00Z
                clusters:
                  - name: demo
                    region: us-east-1
                    version: "1.33"
                    nodeGroups:
                      - name: custom
                        version: "1.32"
                        launchTemplate: {id: lt-0abc123def4567890, name: custom-nodes, version: 2, imageId: ami-0aaaaaaaaaaaaaaa1}
                """,
                "templates.yaml"),
            0);
    resources.add(server);
    return server;
  }

  private <T extends AutoCloseable> T keep(T client) {
    resources.add(client);
    return client;
  }

  private static LaunchTemplateVersion createVersion(
      Ec2Client ec2, String token, String sourceVersion, String imageId) {
    return ec2.createLaunchTemplateVersion(
            (CreateLaunchTemplateVersionRequest.Builder r) ->
                r.launchTemplateId("lt-0abc123def4567890")
                    .sourceVersion(sourceVersion)
                    .versionDescription("AL2023 for 1.33")
                    .clientToken(token)
                    .launchTemplateData(d -> d.imageId(imageId)))
        .launchTemplateVersion();
  }

  @Test
  void aNodeGroupsTemplateGetsANewVersionWithANewImageOnceForOneToken() {
    SandboxServer sandbox = sandbox();
    Ec2Client ec2 = keep(AwsClients.ec2(sandbox, "us-east-1", 1));
    EksClient eks = keep(EksClients.attempts(sandbox, "us-east-1", 1));
    Nodegroup custom = eks.describeNodegroup(r -> r.clusterName("demo").nodegroupName("custom")).nodegroup();
    assertThat(custom.launchTemplate().id()).isEqualTo("lt-0abc123def4567890");
    assertThat(custom.launchTemplate().name()).isEqualTo("custom-nodes");
    assertThat(custom.launchTemplate().version()).isEqualTo("2");
    assertThat(custom.amiType()).isEqualTo(AMITypes.CUSTOM);
    assertThat(custom.releaseVersion()).as("a custom AMI's group reports the image").isEqualTo("ami-0aaaaaaaaaaaaaaa1");

    LaunchTemplateVersion current =
        ec2.describeLaunchTemplateVersions(r -> r.launchTemplateId("lt-0abc123def4567890").versions("2"))
            .launchTemplateVersions()
            .get(0);
    assertThat(current.versionNumber()).isEqualTo(2L);
    assertThat(current.defaultVersion()).isTrue();
    assertThat(current.launchTemplateData().imageId()).isEqualTo("ami-0aaaaaaaaaaaaaaa1");

    LaunchTemplateVersion made = createVersion(ec2, "tok-lt", "2", "ami-0bbbbbbbbbbbbbbb2");
    LaunchTemplateVersion retried = createVersion(ec2, "tok-lt", "2", "ami-0bbbbbbbbbbbbbbb2");
    assertThatThrownBy(() -> createVersion(ec2, "tok-lt", "2", "ami-0ccccccccccccccc3"))
        .isInstanceOf(Ec2Exception.class)
        .satisfies(e -> assertThat(((Ec2Exception) e).awsErrorDetails().errorCode()).isEqualTo("IdempotentParameterMismatch"));
    assertThatThrownBy(
            () ->
                ec2.createLaunchTemplateVersion(
                    r -> r.launchTemplateId("lt-0000000000000000f").launchTemplateData(d -> d.imageId("ami-0bbbbbbbbbbbbbbb2"))))
        .isInstanceOf(Ec2Exception.class)
        .satisfies(e -> assertThat(((Ec2Exception) e).awsErrorDetails().errorCode()).isEqualTo("InvalidLaunchTemplateId.NotFound"));

    assertThat(made.versionNumber()).isEqualTo(3L);
    assertThat(made.defaultVersion()).isFalse();
    assertThat(made.launchTemplateData().imageId()).isEqualTo("ami-0bbbbbbbbbbbbbbb2");
    assertThat(retried.versionNumber()).isEqualTo(3L);
    assertThat(
            ec2.describeLaunchTemplateVersions(r -> r.launchTemplateName("custom-nodes").versions("$Latest", "$Default"))
                .launchTemplateVersions())
        .extracting(LaunchTemplateVersion::versionNumber, v -> v.launchTemplateData().imageId())
        .containsExactly(tuple(3L, "ami-0bbbbbbbbbbbbbbb2"), tuple(2L, "ami-0aaaaaaaaaaaaaaa1"));
    assertThat(
            ec2.describeLaunchTemplateVersions(r -> r.launchTemplateId("lt-0abc123def4567890"))
                .launchTemplateVersions())
        .extracting(LaunchTemplateVersion::versionNumber)
        .containsExactly(1L, 2L, 3L);
    List<CallLog.Entry> calls = sandbox.callLog().entries("CreateLaunchTemplateVersion");
    assertThat(calls)
        .extracting(CallLog.Entry::service, CallLog.Entry::effect, CallLog.Entry::resourceId, CallLog.Entry::errorCode)
        .containsExactly(
            tuple("ec2", Effect.CREATED, "lt-0abc123def4567890:3", null),
            tuple("ec2", Effect.REPLAYED, "lt-0abc123def4567890:3", null),
            tuple("ec2", Effect.REJECTED, null, "IdempotentParameterMismatch"),
            tuple("ec2", Effect.REJECTED, null, "InvalidLaunchTemplateId.NotFound"));
    assertThat(calls.subList(0, 3)).extracting(CallLog.Entry::clientRequestToken).containsOnly("tok-lt");
    assertThat(calls.get(3).clientRequestToken())
        .as("the SDK makes up a ClientToken when the caller gives none")
        .isNotNull()
        .isNotEqualTo("tok-lt");
  }

  @Test
  void aGroupOnTheNewTemplateVersionRunsItsImageAndLeavesVersionAndAmiTypeToIt() {
    SandboxServer sandbox = sandbox();
    Ec2Client ec2 = keep(AwsClients.ec2(sandbox, "us-east-1", 1));
    EksClient eks = keep(EksClients.attempts(sandbox, "us-east-1", 1));
    createVersion(ec2, "tok-lt", "2", "ami-0bbbbbbbbbbbbbbb2");

    assertThatThrownBy(
            () ->
                eks.createNodegroup(
                    r ->
                        r.clusterName("demo")
                            .nodegroupName("custom-133")
                            .version("1.33")
                            .subnets("subnet-a")
                            .nodeRole("arn:aws:iam::123456789012:role/eks-node")
                            .launchTemplate(t -> t.id("lt-0abc123def4567890").version("3"))))
        .as("the API reference: with a custom AMI, do not specify version")
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("do not specify version");
    Nodegroup created =
        eks.createNodegroup(
                r ->
                    r.clusterName("demo")
                        .nodegroupName("custom-133")
                        .subnets("subnet-a")
                        .nodeRole("arn:aws:iam::123456789012:role/eks-node")
                        .launchTemplate(t -> t.id("lt-0abc123def4567890").version("3")))
            .nodegroup();

    assertThat(created.amiType()).isEqualTo(AMITypes.CUSTOM);
    assertThat(created.releaseVersion()).isEqualTo("ami-0bbbbbbbbbbbbbbb2");
    assertThat(created.version()).as("the cluster's").isEqualTo("1.33");
    assertThat(created.launchTemplate().version()).isEqualTo("3");
  }

  @Test
  void ssmNamesAFixedImagePerVersionAndFamilyAndNoneForWhatEksDoesNotPublish() {
    SandboxServer sandbox = sandbox();
    SsmClient ssm = keep(AwsClients.ssm(sandbox, "us-east-1", 1));
    SsmClient ssmIreland = keep(AwsClients.ssm(sandbox, "eu-west-1", 1));

    String al2023For133 = ssm.getParameter(r -> r.name(AL2023.formatted("1.33"))).parameter().value();
    String again = ssm.getParameter(r -> r.name(AL2023.formatted("1.33"))).parameter().value();
    String al2023For132 = ssm.getParameter(r -> r.name(AL2023.formatted("1.32"))).parameter().value();
    String al2For132 = ssm.getParameter(r -> r.name(AL2.formatted("1.32"))).parameter().value();
    String inIreland = ssmIreland.getParameter(r -> r.name(AL2023.formatted("1.33"))).parameter().value();
    String release =
        ssm.getParameter(
                r -> r.name("/aws/service/eks/optimized-ami/1.33/amazon-linux-2023/x86_64/standard/recommended/release_version"))
            .parameter()
            .value();

    assertThat(al2023For133).matches("ami-0[0-9a-f]{16}").isEqualTo(again);
    assertThat(List.of(al2023For133, al2023For132, al2For132, inIreland)).doesNotHaveDuplicates();
    assertThat(release).isEqualTo("1.33.0-20250101");
    assertThatThrownBy(() -> ssm.getParameter(r -> r.name(AL2.formatted("1.33"))))
        .as("Amazon Linux 2 ends with 1.32")
        .isInstanceOf(ParameterNotFoundException.class);
    assertThatThrownBy(() -> ssm.getParameter(r -> r.name(AL2023.formatted("1.99"))))
        .isInstanceOf(ParameterNotFoundException.class)
        .hasMessageContaining("1.99");
    assertThatThrownBy(() -> ssm.getParameter(r -> r.name("/my/secret")))
        .isInstanceOf(ParameterNotFoundException.class);
    assertThat(sandbox.callLog().entries()).as("reads are not logged").isEmpty();
  }
}
