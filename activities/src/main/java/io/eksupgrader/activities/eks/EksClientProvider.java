package io.eksupgrader.activities.eks;

import software.amazon.awssdk.services.eks.EksClient;

/** EKS clients by region: a cluster lives in one region, and the worker serves clusters in many. */
public interface EksClientProvider {

  /** A client for the region; callers must not close it. */
  EksClient forRegion(String region);
}
