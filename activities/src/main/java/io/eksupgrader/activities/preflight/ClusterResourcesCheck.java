package io.eksupgrader.activities.preflight;

import io.eksupgrader.workflows.activities.PreflightActivities;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.PreflightFinding;
import io.eksupgrader.workflows.model.Severity;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.EncryptionConfig;
import software.amazon.awssdk.services.eks.model.LogSetup;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;

/**
 * What the control plane's update needs from the account (seed 000, "before you upgrade"):
 *
 * <ol>
 *   <li>Free IP addresses in the cluster's subnets: EKS places up to {@value #FREE_IPS_NEEDED} new
 *       control-plane interfaces there. Fewer in all of them together blocks the upgrade; a subnet
 *       that alone has fewer is a warning. A subnet that no longer exists blocks it.
 *   <li>The cluster's IAM role still exists ({@code GetRole}); gone, it blocks.
 *   <li>When secrets are encrypted with KMS, the key exists and is Enabled ({@code DescribeKey});
 *       otherwise it blocks, since the new API servers could not read the secrets.
 *   <li>Control-plane logging: off for the api and audit logs is a warning, for the upgrade's
 *       errors would be seen nowhere.
 * </ol>
 *
 * Reads only. An AWS error other than "not found" fails the check, which the workflow reports.
 */
final class ClusterResourcesCheck {

  static final int FREE_IPS_NEEDED = 5;
  /** The log types an upgrade's trouble shows in first. */
  static final List<String> LOG_TYPES_FOR_UPGRADE = List.of("api", "audit");

  private final EksClient eks;
  private final Ec2Client ec2;
  private final IamClient iam;
  private final KmsClient kms;
  private final ClusterRef cluster;

  ClusterResourcesCheck(EksClient eks, Ec2Client ec2, IamClient iam, KmsClient kms, ClusterRef cluster) {
    this.eks = eks;
    this.ec2 = ec2;
    this.iam = iam;
    this.kms = kms;
    this.cluster = cluster;
  }

  List<PreflightFinding> run() {
    Cluster described = eks.describeCluster(r -> r.name(cluster.name())).cluster();
    List<PreflightFinding> findings = new ArrayList<>();
    findings.addAll(subnets(described));
    findings.add(role(described));
    for (EncryptionConfig encryption : described.encryptionConfig()) {
      if (encryption.provider() != null && encryption.provider().keyArn() != null) {
        findings.add(key(encryption.provider().keyArn()));
      }
    }
    findings.add(logging(described));
    return findings;
  }

  private List<PreflightFinding> subnets(Cluster described) {
    List<String> ids = described.resourcesVpcConfig() == null ? List.of() : described.resourcesVpcConfig().subnetIds();
    if (ids.isEmpty()) {
      return List.of(
          finding(Severity.WARNING, "subnets", PreflightActivities.SUBNET_FREE_IPS,
              "DescribeCluster lists no subnets for the control plane: their free addresses cannot be checked",
              List.of("DescribeCluster resourcesVpcConfig.subnetIds: []"),
              "look at the cluster's networking in the EKS console before upgrading"));
    }
    List<Subnet> found = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String id : ids) {
      // One at a time: DescribeSubnets refuses the whole list when one id is unknown.
      try {
        found.addAll(ec2.describeSubnets(r -> r.subnetIds(id)).subnets());
      } catch (AwsServiceException e) {
        if (!"InvalidSubnetID.NotFound".equals(e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode())) {
          throw e;
        }
        missing.add(id);
      }
    }
    List<PreflightFinding> findings = new ArrayList<>();
    for (String id : missing) {
      findings.add(finding(Severity.BLOCKER, id, PreflightActivities.SUBNET_FREE_IPS,
          "subnet " + id + " of the control plane no longer exists: EKS cannot place the new API servers",
          List.of("DescribeSubnets " + id + ": InvalidSubnetID.NotFound"),
          "give the cluster existing subnets (aws eks update-cluster-config --name " + cluster.name()
              + " --resources-vpc-config subnetIds=...) before upgrading"));
    }
    int total = 0;
    List<String> evidence = new ArrayList<>();
    for (Subnet subnet : found) {
      int free = subnet.availableIpAddressCount() == null ? 0 : subnet.availableIpAddressCount();
      total += free;
      evidence.add(subnet.subnetId() + " (" + subnet.availabilityZone() + ", " + subnet.cidrBlock() + "): " + free + " free");
      if (free < FREE_IPS_NEEDED) {
        findings.add(finding(Severity.WARNING, subnet.subnetId(), PreflightActivities.SUBNET_FREE_IPS,
            "subnet " + subnet.subnetId() + " has " + free + " free address(es), fewer than the " + FREE_IPS_NEEDED
                + " EKS may need in one subnet",
            List.of("DescribeSubnets " + subnet.subnetId() + ": availableIpAddressCount " + free),
            "free addresses in it, or add a subnet with free addresses to the cluster"));
      }
    }
    String subject = "subnets " + String.join(", ", ids);
    if (total < FREE_IPS_NEEDED) {
      findings.add(finding(Severity.BLOCKER, subject, PreflightActivities.SUBNET_FREE_IPS,
          "the control plane's subnets have " + total + " free address(es) in all; EKS needs up to " + FREE_IPS_NEEDED
              + " to update the control plane",
          evidence,
          "add subnets with free addresses to the cluster (aws eks update-cluster-config --name " + cluster.name()
              + " --resources-vpc-config subnetIds=...), or free addresses, then retry"));
    } else {
      findings.add(finding(Severity.INFO, subject, PreflightActivities.SUBNET_FREE_IPS,
          total + " free address(es) in the control plane's subnets", evidence, null));
    }
    return findings;
  }

  private PreflightFinding role(Cluster described) {
    String arn = described.roleArn();
    String name = arn.substring(arn.lastIndexOf('/') + 1);
    try {
      Role role = iam.getRole(r -> r.roleName(name)).role();
      return finding(Severity.INFO, arn, PreflightActivities.CLUSTER_ROLE,
          "the cluster's IAM role " + name + " exists",
          List.of("GetRole " + name + ": " + role.arn()), null);
    } catch (NoSuchEntityException e) {
      return finding(Severity.BLOCKER, arn, PreflightActivities.CLUSTER_ROLE,
          "the cluster's IAM role " + name + " no longer exists: EKS cannot update the control plane without it",
          List.of("GetRole " + name + ": NoSuchEntity"),
          "create the role again with the same name and the AmazonEKSClusterPolicy, then retry");
    }
  }

  private PreflightFinding key(String keyArn) {
    try {
      KeyMetadata key = kms.describeKey(r -> r.keyId(keyArn)).keyMetadata();
      String state = key.keyStateAsString();
      List<String> evidence = List.of("DescribeKey " + keyArn + ": keyState " + state + ", enabled " + key.enabled());
      if (!"Enabled".equals(state)) {
        return finding(Severity.BLOCKER, keyArn, PreflightActivities.KMS_KEY,
            "the KMS key that encrypts the cluster's secrets is " + state
                + ": the new API servers could not read the secrets",
            evidence,
            "enable the key (aws kms enable-key --key-id " + keyArn + ", or cancel its deletion first), then retry");
      }
      return finding(Severity.INFO, keyArn, PreflightActivities.KMS_KEY,
          "the KMS key that encrypts the cluster's secrets is Enabled", evidence,
          null);
    } catch (software.amazon.awssdk.services.kms.model.NotFoundException e) {
      return finding(Severity.BLOCKER, keyArn, PreflightActivities.KMS_KEY,
          "the KMS key that encrypts the cluster's secrets does not exist",
          List.of("DescribeKey " + keyArn + ": NotFoundException"),
          "the secrets cannot be read without it: ask AWS Support before upgrading");
    }
  }

  private PreflightFinding logging(Cluster described) {
    List<String> enabled = new ArrayList<>();
    if (described.logging() != null) {
      for (LogSetup setup : described.logging().clusterLogging()) {
        if (Boolean.TRUE.equals(setup.enabled())) {
          enabled.addAll(setup.typesAsStrings());
        }
      }
    }
    List<String> off = LOG_TYPES_FOR_UPGRADE.stream().filter(t -> !enabled.contains(t)).toList();
    List<String> evidence = List.of("DescribeCluster logging: enabled " + (enabled.isEmpty() ? "none" : String.join(", ", enabled)));
    if (off.isEmpty()) {
      return finding(Severity.INFO, "control-plane logs", PreflightActivities.CONTROL_PLANE_LOGGING,
          "control-plane logging is on for " + String.join(", ", enabled), evidence, null);
    }
    return finding(Severity.WARNING, "control-plane logs", PreflightActivities.CONTROL_PLANE_LOGGING,
        "control-plane logging is off for " + String.join(", ", off)
            + ": errors during the upgrade would be seen nowhere",
        evidence,
        "turn it on before upgrading: aws eks update-cluster-config --region " + cluster.region() + " --name "
            + cluster.name() + " --logging '{\"clusterLogging\":[{\"types\":[\"api\",\"audit\"],\"enabled\":true}]}'");
  }

  private static PreflightFinding finding(
      Severity severity, String subject, String check, String summary, List<String> evidence, String remedy) {
    return new PreflightFinding(check, severity, subject, null, summary, evidence, remedy);
  }
}
