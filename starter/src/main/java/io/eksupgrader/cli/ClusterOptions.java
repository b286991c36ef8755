package io.eksupgrader.cli;

import io.eksupgrader.workflows.model.ClusterRef;
import picocli.CommandLine.Option;

/** Which cluster a command is about. */
public class ClusterOptions {

  @Option(names = "--cluster", required = true, description = "EKS cluster name.")
  String cluster;

  @Option(
      names = "--region",
      defaultValue = "${AWS_REGION:-${AWS_DEFAULT_REGION}}",
      description = "AWS region of the cluster (default: env AWS_REGION).")
  String region;

  public ClusterRef ref() {
    if (region == null || region.isBlank()) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "no region: pass --region (e.g. us-east-1) or set AWS_REGION");
    }
    return new ClusterRef(region, cluster);
  }
}
