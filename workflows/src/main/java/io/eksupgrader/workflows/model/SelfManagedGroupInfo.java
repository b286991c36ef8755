package io.eksupgrader.workflows.model;

import java.util.List;

/**
 * A self-managed node group: an Auto Scaling group tagged {@code kubernetes.io/cluster/<cluster>}
 * that is not behind an EKS managed node group.
 *
 * @param name the ASG's name
 * @param version the kubelet minor its nodes run, e.g. "1.32"; null when it has no nodes
 * @param imageId the AMI its launch template version names
 * @param instanceIds its instances, whose nodes the drain works on
 */
public record SelfManagedGroupInfo(
    String name,
    String version,
    String launchTemplateId,
    String launchTemplateVersion,
    String imageId,
    int minSize,
    int maxSize,
    int desiredSize,
    List<String> subnets,
    List<String> instanceIds) {}
