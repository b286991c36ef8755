package io.eksupgrader.sandbox;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The resource (plural) and scope of the Kubernetes kinds a scenario may give as applied manifests:
 * every kind of the Kubernetes deprecation guide and the common built-in ones. A kind is the same
 * resource at every version, so the table is keyed by kind alone.
 */
final class KubernetesKinds {

  /** A kind's resource name and whether its objects live in a namespace. */
  record Resource(String plural, boolean namespaced) {}

  private static final Map<String, Resource> KINDS = new TreeMap<>();

  static {
    namespaced("ConfigMap", "configmaps");
    namespaced("CronJob", "cronjobs");
    namespaced("CSIStorageCapacity", "csistoragecapacities");
    namespaced("DaemonSet", "daemonsets");
    namespaced("Deployment", "deployments");
    namespaced("EndpointSlice", "endpointslices");
    namespaced("Event", "events");
    namespaced("HorizontalPodAutoscaler", "horizontalpodautoscalers");
    namespaced("Ingress", "ingresses");
    namespaced("Job", "jobs");
    namespaced("Lease", "leases");
    namespaced("NetworkPolicy", "networkpolicies");
    namespaced("PodDisruptionBudget", "poddisruptionbudgets");
    namespaced("ReplicaSet", "replicasets");
    namespaced("Role", "roles");
    namespaced("RoleBinding", "rolebindings");
    namespaced("Secret", "secrets");
    namespaced("Service", "services");
    namespaced("ServiceAccount", "serviceaccounts");
    namespaced("StatefulSet", "statefulsets");
    cluster("APIService", "apiservices");
    cluster("CertificateSigningRequest", "certificatesigningrequests");
    cluster("ClusterRole", "clusterroles");
    cluster("ClusterRoleBinding", "clusterrolebindings");
    cluster("CSIDriver", "csidrivers");
    cluster("CSINode", "csinodes");
    cluster("CustomResourceDefinition", "customresourcedefinitions");
    cluster("FlowSchema", "flowschemas");
    cluster("IngressClass", "ingressclasses");
    cluster("MutatingWebhookConfiguration", "mutatingwebhookconfigurations");
    cluster("PodSecurityPolicy", "podsecuritypolicies");
    cluster("PriorityClass", "priorityclasses");
    cluster("PriorityLevelConfiguration", "prioritylevelconfigurations");
    cluster("RuntimeClass", "runtimeclasses");
    cluster("StorageClass", "storageclasses");
    cluster("ValidatingAdmissionPolicy", "validatingadmissionpolicies");
    cluster("ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybindings");
    cluster("ValidatingWebhookConfiguration", "validatingwebhookconfigurations");
    cluster("VolumeAttachment", "volumeattachments");
  }

  private KubernetesKinds() {}

  private static void namespaced(String kind, String plural) {
    KINDS.put(kind, new Resource(plural, true));
  }

  private static void cluster(String kind, String plural) {
    KINDS.put(kind, new Resource(plural, false));
  }

  static Optional<Resource> of(String kind) {
    return Optional.ofNullable(KINDS.get(kind));
  }

  static Iterable<String> known() {
    return KINDS.keySet();
  }
}
