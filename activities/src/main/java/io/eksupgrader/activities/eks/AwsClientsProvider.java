package io.eksupgrader.activities.eks;

import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The AWS clients other than EKS, by region: EC2 for launch templates and subnets, Auto Scaling
 * for the groups behind node groups, SSM for the EKS-optimized AMI parameters, IAM for the
 * cluster's role and KMS for its secrets encryption key (pre-flight).
 */
public interface AwsClientsProvider {

  /** A client for the region; callers must not close it. */
  Ec2Client ec2(String region);

  /** A client for the region; callers must not close it. */
  AutoScalingClient autoScaling(String region);

  /** A client for the region; callers must not close it. */
  SsmClient ssm(String region);

  /** IAM is global: one client, signed for us-east-1 as IAM requires; callers must not close it. */
  IamClient iam();

  /** A client for the region; callers must not close it. */
  KmsClient kms(String region);
}
