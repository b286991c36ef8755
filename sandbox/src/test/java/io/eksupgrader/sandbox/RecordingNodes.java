package io.eksupgrader.sandbox;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A Kubernetes side that only records what the AWS side asked of it, in order, with the simulated
 * time of each call, so that tests of the AWS side do not depend on the simulated Kubernetes.
 */
final class RecordingNodes implements ClusterNodes {

  /** One call: a launch (with what was launched) or a termination. */
  record Call(String kind, String nodeName, Instant simulatedAt, NodeLaunch launch) {
    /** When the launched node turns Ready in simulated time; null for never. */
    Instant readyAt() {
      return launch.readyAfter() == null ? null : simulatedAt.plus(launch.readyAfter());
    }
  }

  private final SimulatedClock clock;
  private final List<Call> calls = new ArrayList<>();
  private final Set<String> nodes = new LinkedHashSet<>();

  RecordingNodes(SimulatedClock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized void launchNode(NodeLaunch launch) {
    calls.add(new Call("launch", launch.nodeName(), clock.instant(), launch));
    nodes.add(launch.nodeName());
  }

  @Override
  public synchronized void terminateNode(String nodeName) {
    calls.add(new Call("terminate", nodeName, clock.instant(), null));
    nodes.remove(nodeName);
  }

  @Override
  public synchronized List<String> nodeNames() {
    return List.copyOf(nodes);
  }

  @Override
  public URI apiServerUrl() {
    return URI.create("https://recording.invalid:6443");
  }

  @Override
  public String certificateAuthorityData() {
    return "UkVDT1JESU5H";
  }

  synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  /** Launches of one node group's instances, in order. */
  synchronized List<NodeLaunch> launches(String nodeGroup) {
    return calls.stream()
        .filter(c -> c.kind().equals("launch") && c.launch().nodeGroup().equals(nodeGroup))
        .map(Call::launch)
        .toList();
  }

  synchronized List<Call> launchCalls(String nodeGroup) {
    return calls.stream()
        .filter(c -> c.kind().equals("launch") && c.launch().nodeGroup().equals(nodeGroup))
        .toList();
  }

  synchronized List<String> terminated() {
    return calls.stream().filter(c -> c.kind().equals("terminate")).map(Call::nodeName).toList();
  }

  synchronized List<Call> terminations() {
    return calls.stream().filter(c -> c.kind().equals("terminate")).toList();
  }
}
