package io.eksupgrader.workflows.model;

/**
 * The input of one cluster upgrade.
 *
 * @param requestedBy who started it, as the CLI knows them (OS user or configured identity)
 */
public record UpgradeRequest(
    ClusterRef cluster, String targetVersion, UpgradeOptions options, String requestedBy) {

  public UpgradeOptions optionsOrDefaults() {
    return options != null ? options : UpgradeOptions.defaults();
  }
}
