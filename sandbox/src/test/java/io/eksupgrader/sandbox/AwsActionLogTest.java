package io.eksupgrader.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The sandbox names every AWS action it is asked for as IAM does, reads and refused calls
 * included, for the IAM policy test; the call log still holds only mutating calls.
 */
class AwsActionLogTest {

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
  }

  private <T extends AutoCloseable> T keep(T closeable) {
    resources.add(closeable);
    return closeable;
  }

  private SandboxServer sandbox(String faults) {
    return keep(
        SandboxServer.start(
            Scenario.parse(
                """
                name: actions
                clusters:
                  - name: demo
                    region: us-east-1
                    version: "1.32"
                    roleArn: arn:aws:iam::111122223333:role/eks
                    nodeGroups: [{name: blue}]
                faults: %s
                """
                    .formatted(faults),
                "actions.yaml"),
            0));
  }

  @Test
  void everyServiceNamesItsActionsAsIamDoesReadsIncludedAndTheCallLogStillHoldsOnlyChanges() {
    SandboxServer sandbox = sandbox("{}");
    EksClient eks = keep(EksClients.attempts(sandbox, "us-east-1", 1));
    AutoScalingClient autoScaling = keep(AwsClients.autoScaling(sandbox, "us-east-1", 1));
    Ec2Client ec2 = keep(AwsClients.ec2(sandbox, "us-east-1", 1));
    SsmClient ssm = keep(AwsClients.ssm(sandbox, "us-east-1", 1));
    IamClient iam = keep(AwsClients.iam(sandbox, 1));
    KmsClient kms = keep(AwsClients.kms(sandbox, "us-east-1", 1));
    assertThat(sandbox.awsActionsSeen()).isEmpty();

    eks.describeCluster(r -> r.name("demo"));
    eks.listNodegroups(r -> r.clusterName("demo"));
    autoScaling.describeAutoScalingGroups();
    ec2.describeSubnets();
    ssm.getParameter(r -> r.name("/aws/service/eks/optimized-ami/1.33/amazon-linux-2023/x86_64/standard/recommended/image_id"));
    iam.getRole(r -> r.roleName("eks"));
    // Refused calls needed the permission all the same.
    assertThatThrownBy(() -> kms.describeKey(r -> r.keyId("no-such-key"))).isInstanceOf(AwsServiceException.class);
    assertThatThrownBy(() -> eks.describeNodegroup(r -> r.clusterName("demo").nodegroupName("green")))
        .isInstanceOf(AwsServiceException.class);
    assertThat(sandbox.callLog().isEmpty()).as("reads are not in the call log").isTrue();

    eks.deleteNodegroup(r -> r.clusterName("demo").nodegroupName("blue"));

    assertThat(sandbox.awsActionsSeen())
        .containsExactly(
            "autoscaling:DescribeAutoScalingGroups",
            "ec2:DescribeSubnets",
            "eks:DeleteNodegroup",
            "eks:DescribeCluster",
            "eks:DescribeNodegroup",
            "eks:ListNodegroups",
            "iam:GetRole",
            "kms:DescribeKey",
            "ssm:GetParameter");
    assertThat(sandbox.callLog().entries()).extracting(CallLog.Entry::operation).containsExactly("DeleteNodegroup");
  }

  @Test
  void aThrottledCallAndAnOperationTheSandboxDoesNotImplementAreSeenToo() {
    SandboxServer sandbox = sandbox("{throttlingRate: 1.0}");
    EksClient eks = keep(EksClients.attempts(sandbox, "us-east-1", 1));
    AutoScalingClient autoScaling = keep(AwsClients.autoScaling(sandbox, "us-east-1", 1));

    assertThatThrownBy(() -> eks.describeCluster(r -> r.name("demo"))).isInstanceOf(AwsServiceException.class);
    assertThatThrownBy(() -> autoScaling.describeAutoScalingGroups()).isInstanceOf(AwsServiceException.class);
    assertThatThrownBy(() -> eks.deleteCluster(r -> r.name("demo"))).isInstanceOf(AwsServiceException.class);

    assertThat(sandbox.awsActionsSeen())
        .containsExactly("autoscaling:DescribeAutoScalingGroups", "eks:DeleteCluster", "eks:DescribeCluster");
  }
}
