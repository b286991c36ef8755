package io.eksupgrader.sandbox;

import java.time.Duration;
import java.time.Instant;

/**
 * An EC2 instance of a node group's Auto Scaling group. It launches (becomes a Kubernetes node)
 * at {@link #launchAt} and its node turns Ready {@link #joinDelay} later, unless it never does.
 */
final class SimInstance {
  final String id;
  final String nodeName;
  final String instanceType;
  final String availabilityZone;
  final Instant launchAt;
  final Duration joinDelay;
  final boolean neverReady;
  boolean protectedFromScaleIn;
  /** The Kubernetes side the node was launched on; null until it is. */
  ClusterNodes launchedOn;

  SimInstance(
      String id,
      String nodeName,
      String instanceType,
      String availabilityZone,
      Instant launchAt,
      Duration joinDelay,
      boolean neverReady,
      boolean protectedFromScaleIn) {
    this.id = id;
    this.nodeName = nodeName;
    this.instanceType = instanceType;
    this.availabilityZone = availabilityZone;
    this.launchAt = launchAt;
    this.joinDelay = joinDelay;
    this.neverReady = neverReady;
    this.protectedFromScaleIn = protectedFromScaleIn;
  }

  /** Auto Scaling's LifecycleState: Pending until launched, then InService. */
  String lifecycleState(Instant now) {
    return launchAt.isAfter(now) ? "Pending" : "InService";
  }

  /** How long from {@code now} until the node is Ready, as ClusterNodes wants it; null for never. */
  Duration readyAfter(Instant now) {
    if (neverReady) {
      return null;
    }
    Duration left = Duration.between(now, launchAt.plus(joinDelay));
    return left.isNegative() ? Duration.ZERO : left;
  }
}
