package io.eksupgrader.activities.kube;

import io.eksupgrader.workflows.model.KubernetesVersion;
import io.fabric8.kubernetes.api.model.Node;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Kubernetes minor a node runs, from the version its kubelet reports. */
public final class KubeletVersions {

  private static final Pattern KUBELET_MINOR = Pattern.compile("v?(\\d+)\\.(\\d+)(\\..*)?");

  private KubeletVersions() {}

  /** "v1.32.9-eks-1234567" → "1.32"; null when it is no version. */
  public static String minor(String kubeletVersion) {
    if (kubeletVersion == null) {
      return null;
    }
    Matcher m = KUBELET_MINOR.matcher(kubeletVersion.trim());
    return m.matches() ? m.group(1) + "." + m.group(2) : null;
  }

  /** The node's minor, or null when its kubelet reports none. */
  public static KubernetesVersion of(Node node) {
    String kubelet =
        node.getStatus() == null || node.getStatus().getNodeInfo() == null
            ? null
            : node.getStatus().getNodeInfo().getKubeletVersion();
    String minor = minor(kubelet);
    return minor == null ? null : KubernetesVersion.parse(minor);
  }
}
