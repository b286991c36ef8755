package io.eksupgrader.activities.eks;

import software.amazon.awssdk.services.eks.EksClient;

/** Gives the EKS client for a region; clusters live in many regions, the worker in one. */
public interface EksClientProvider extends AutoCloseable {

  EksClient forRegion(String region);

  @Override
  void close();
}
