package io.eksupgrader.workflows.model;

import java.util.List;
import java.util.Map;

/**
 * An EKS Fargate profile as {@code DescribeFargateProfile} reports it.
 *
 * @param status CREATING, ACTIVE, DELETING, CREATE_FAILED or DELETE_FAILED
 */
public record FargateProfileInfo(String name, String status, List<Selector> selectors) {

  public FargateProfileInfo {
    selectors = selectors == null ? List.of() : List.copyOf(selectors);
  }

  /** Pods of {@code namespace} carrying all {@code labels} run on Fargate. */
  public record Selector(String namespace, Map<String, String> labels) {

    public Selector {
      labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
  }
}
