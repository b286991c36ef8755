package io.eksupgrader.sandbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An EC2 launch template and its numbered versions. A version's data is kept under the API's
 * member names ({@code ImageId}, {@code InstanceType}, …), as CreateLaunchTemplateVersion sends
 * them.
 */
final class SimLaunchTemplate {

  /** One immutable version of the template. */
  record Version(long number, Instant createdAt, String description, Map<String, String> data) {
    Version {
      data = Map.copyOf(data);
    }
  }

  final String id;
  final String name;
  final String region;
  final Instant createdAt;
  final List<Version> versions = new ArrayList<>();
  long defaultVersion = 1;

  SimLaunchTemplate(String id, String name, String region, Instant createdAt) {
    this.id = id;
    this.name = name;
    this.region = region;
    this.createdAt = createdAt;
  }

  long latestVersion() {
    return versions.get(versions.size() - 1).number();
  }

  Version version(long number) {
    return number >= 1 && number <= versions.size() ? versions.get((int) number - 1) : null;
  }
}
