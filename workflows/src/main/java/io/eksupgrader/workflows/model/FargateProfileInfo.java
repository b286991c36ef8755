package io.eksupgrader.workflows.model;

import java.util.List;
import java.util.Map;

/** An EKS Fargate profile and the pods it selects: a namespace and optional labels per selector. */
public record FargateProfileInfo(String name, String status, List<Selector> selectors) {

  /** One of the profile's selectors. */
  public record Selector(String namespace, Map<String, String> labels) {}
}
