package io.eksupgrader.workflows.upgrade;

import io.temporal.common.SearchAttributeKey;
import java.util.List;

/**
 * Custom search attributes, so the Temporal UI can filter e.g. "upgrades waiting for me":
 * {@code EksAwaitingGate != ""}. All are Keyword attributes and must be registered on the
 * namespace before a workflow upserts them (docker-compose and the dev server do it).
 */
public final class UpgradeSearchAttributes {

  public static final SearchAttributeKey<String> CLUSTER =
      SearchAttributeKey.forKeyword("EksCluster");
  public static final SearchAttributeKey<String> REGION =
      SearchAttributeKey.forKeyword("EksRegion");
  public static final SearchAttributeKey<String> TARGET_VERSION =
      SearchAttributeKey.forKeyword("EksTargetVersion");
  public static final SearchAttributeKey<String> PHASE =
      SearchAttributeKey.forKeyword("EksUpgradePhase");
  public static final SearchAttributeKey<String> AWAITING_GATE =
      SearchAttributeKey.forKeyword("EksAwaitingGate");

  public static final List<SearchAttributeKey<String>> ALL =
      List.of(CLUSTER, REGION, TARGET_VERSION, PHASE, AWAITING_GATE);

  private UpgradeSearchAttributes() {}
}
