package io.eksupgrader.workflows.model;

/** An EKS cluster, named the way AWS names it: by region and cluster name. */
public record ClusterRef(String region, String name) {

  @Override
  public String toString() {
    return region + "/" + name;
  }
}
