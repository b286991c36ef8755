package io.eksupgrader.activities.eks;

import io.eksupgrader.workflows.model.ClusterSnapshot.InProgressUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.ErrorDetail;
import software.amazon.awssdk.services.eks.model.Update;
import software.amazon.awssdk.services.eks.model.UpdateParam;
import software.amazon.awssdk.services.eks.model.UpdateParamType;
import software.amazon.awssdk.services.eks.model.UpdateStatus;

/** Reading a cluster's updates, shared by inspection and the control-plane activities. */
public final class EksUpdates {

  private EksUpdates() {}

  /**
   * The cluster's updates that are InProgress. ListUpdates returns ids only, for every update the
   * cluster ever had, so each one is described to learn its status.
   */
  static List<InProgressUpdate> inProgress(EksClient eks, String cluster) {
    return inProgressUpdates(eks, cluster, null).stream()
        .map(u -> new InProgressUpdate(u.id(), u.typeAsString(), param(u, UpdateParamType.VERSION)))
        .toList();
  }

  /** The InProgress updates of the cluster, or of one of its add-ons when {@code addon} is given. */
  public static List<Update> inProgressUpdates(EksClient eks, String cluster, String addon) {
    List<Update> running = new ArrayList<>();
    for (String id : eks.listUpdatesPaginator(r -> r.name(cluster).addonName(addon)).updateIds()) {
      Update u = eks.describeUpdate(r -> r.name(cluster).updateId(id).addonName(addon)).update();
      if (u.status() == UpdateStatus.IN_PROGRESS) {
        running.add(u);
      }
    }
    return running;
  }

  public static String param(Update u, UpdateParamType type) {
    return u.params().stream()
        .filter(p -> p.type() == type)
        .map(UpdateParam::value)
        .findFirst()
        .orElse(null);
  }

  /** EKS's errors of an update as "[code] message; …", for failure messages. */
  public static String errors(Update u) {
    if (u.errors().isEmpty()) {
      return "EKS reported no error details";
    }
    return u.errors().stream().map(EksUpdates::error).collect(Collectors.joining("; "));
  }

  private static String error(ErrorDetail e) {
    return "[" + e.errorCodeAsString() + "] " + e.errorMessage();
  }
}
