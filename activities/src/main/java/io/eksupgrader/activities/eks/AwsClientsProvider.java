package io.eksupgrader.activities.eks;

import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The AWS clients other than EKS that the data plane needs, by region: EC2 for launch templates,
 * Auto Scaling for the groups behind node groups, SSM for the EKS-optimized AMI parameters.
 */
public interface AwsClientsProvider {

  /** A client for the region; callers must not close it. */
  Ec2Client ec2(String region);

  /** A client for the region; callers must not close it. */
  AutoScalingClient autoScaling(String region);

  /** A client for the region; callers must not close it. */
  SsmClient ssm(String region);
}
