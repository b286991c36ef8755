package io.eksupgrader.sandbox.kube;

import io.eksupgrader.sandbox.ClusterNodes.NodeLaunch;
import io.eksupgrader.sandbox.Scenario.PdbSpec;
import io.eksupgrader.sandbox.Scenario.TaintSpec;
import io.eksupgrader.sandbox.Scenario.WorkloadSpec;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes objects a scenario describes, shaped as the real controllers and kubelet shape
 * them: a Deployment owns a ReplicaSet labelled with a pod-template-hash, pods carry a controller
 * owner reference, nodes carry the labels, taints and nodeInfo of an EKS node.
 */
final class Manifests {

  /** Scenario pods stop quickly so that drains in tests do not wait long in simulated time. */
  static final long POD_GRACE_SECONDS = 5;

  static final String NOT_READY_TAINT = "node.kubernetes.io/not-ready";

  private Manifests() {}

  static Namespace namespace(String name) {
    return new NamespaceBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels("kubernetes.io/metadata.name", name)
        .endMetadata()
        .withNewStatus()
        .withPhase("Active")
        .endStatus()
        .build();
  }

  static Map<String, String> podLabels(WorkloadSpec workload) {
    return workload.labels().isEmpty() ? Map.of("app", workload.name()) : workload.labels();
  }

  static PodTemplateSpec template(WorkloadSpec workload) {
    PodSpecBuilder spec =
        new PodSpecBuilder()
            .addToContainers(
                new ContainerBuilder()
                    .withName(workload.name())
                    .withImage("registry.sandbox.local/" + workload.name() + ":1.0")
                    .build())
            .withTerminationGracePeriodSeconds(POD_GRACE_SECONDS)
            .withRestartPolicy("Always")
            .withDnsPolicy("ClusterFirst")
            .withSchedulerName("default-scheduler")
            .withServiceAccountName("default")
            .withNodeSelector(
                workload.nodeSelector().isEmpty()
                    ? null
                    : new LinkedHashMap<>(workload.nodeSelector()));
    if (workload.emptyDir()) {
      spec.addNewVolume().withName("scratch").withNewEmptyDir().endEmptyDir().endVolume();
      spec.editFirstContainer()
          .addNewVolumeMount()
          .withName("scratch")
          .withMountPath("/scratch")
          .endVolumeMount()
          .endContainer();
    }
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(new LinkedHashMap<>(podLabels(workload)))
        .endMetadata()
        .withSpec(spec.build())
        .build();
  }

  static Deployment deployment(WorkloadSpec workload) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withNamespace(workload.namespace())
        .withName(workload.name())
        .withLabels(new LinkedHashMap<>(podLabels(workload)))
        .endMetadata()
        .withNewSpec()
        .withReplicas(workload.replicas())
        .withSelector(
            new LabelSelectorBuilder()
                .withMatchLabels(new LinkedHashMap<>(podLabels(workload)))
                .build())
        .withTemplate(template(workload))
        .withNewStrategy()
        .withType("RollingUpdate")
        .endStrategy()
        .endSpec()
        .build();
  }

  /** The ReplicaSet a Deployment controller makes for the Deployment's current template. */
  static ReplicaSet replicaSet(Deployment deployment, String templateHash) {
    PodTemplateSpec template = deployment.getSpec().getTemplate();
    Map<String, String> labels = new LinkedHashMap<>(template.getMetadata().getLabels());
    labels.put("pod-template-hash", templateHash);
    PodTemplateSpec rsTemplate =
        new PodTemplateSpecBuilder(template)
            .editMetadata()
            .withLabels(labels)
            .endMetadata()
            .build();
    Map<String, String> selector = new LinkedHashMap<>();
    if (deployment.getSpec().getSelector() != null
        && deployment.getSpec().getSelector().getMatchLabels() != null) {
      selector.putAll(deployment.getSpec().getSelector().getMatchLabels());
    }
    selector.put("pod-template-hash", templateHash);
    return new ReplicaSetBuilder()
        .withNewMetadata()
        .withNamespace(deployment.getMetadata().getNamespace())
        .withName(deployment.getMetadata().getName() + "-" + templateHash)
        .withLabels(labels)
        .addToAnnotations("deployment.kubernetes.io/revision", "1")
        .withOwnerReferences(controllerReference(deployment))
        .endMetadata()
        .withNewSpec()
        .withReplicas(deployment.getSpec().getReplicas())
        .withSelector(new LabelSelectorBuilder().withMatchLabels(selector).build())
        .withTemplate(rsTemplate)
        .endSpec()
        .build();
  }

  static StatefulSet statefulSet(WorkloadSpec workload) {
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withNamespace(workload.namespace())
        .withName(workload.name())
        .withLabels(new LinkedHashMap<>(podLabels(workload)))
        .endMetadata()
        .withNewSpec()
        .withReplicas(workload.replicas())
        .withServiceName(workload.name())
        .withPodManagementPolicy("OrderedReady")
        .withSelector(
            new LabelSelectorBuilder()
                .withMatchLabels(new LinkedHashMap<>(podLabels(workload)))
                .build())
        .withTemplate(template(workload))
        .endSpec()
        .build();
  }

  /**
   * A DaemonSet whose pods tolerate every taint, as EKS's own node agents (aws-node, kube-proxy)
   * do, so that they run on every node their node selector allows.
   */
  static DaemonSet daemonSet(WorkloadSpec workload) {
    PodTemplateSpec template = template(workload);
    template
        .getSpec()
        .setTolerations(List.of(new TolerationBuilder().withOperator("Exists").build()));
    return new DaemonSetBuilder()
        .withNewMetadata()
        .withNamespace(workload.namespace())
        .withName(workload.name())
        .withLabels(new LinkedHashMap<>(podLabels(workload)))
        .endMetadata()
        .withNewSpec()
        .withSelector(
            new LabelSelectorBuilder()
                .withMatchLabels(new LinkedHashMap<>(podLabels(workload)))
                .build())
        .withTemplate(template)
        .endSpec()
        .build();
  }

  /** A pod without a controller, as {@code kubectl run} makes one. */
  static Pod barePod(WorkloadSpec workload) {
    PodTemplateSpec template = template(workload);
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(workload.namespace())
        .withName(workload.name())
        .withLabels(template.getMetadata().getLabels())
        .endMetadata()
        .withSpec(template.getSpec())
        .withNewStatus()
        .withPhase("Pending")
        .withQosClass("BestEffort")
        .endStatus()
        .build();
  }

  /** A Pending pod made by a controller from its template. */
  static Pod pod(
      HasMetadata owner, PodTemplateSpec template, String name, Map<String, String> extraLabels) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
      labels.putAll(template.getMetadata().getLabels());
    }
    labels.putAll(extraLabels);
    Map<String, String> annotations = new LinkedHashMap<>();
    if (template.getMetadata() != null && template.getMetadata().getAnnotations() != null) {
      annotations.putAll(template.getMetadata().getAnnotations());
    }
    PodSpec spec = new PodSpecBuilder(template.getSpec()).build();
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(owner.getMetadata().getNamespace())
        .withName(name)
        .withLabels(labels)
        .withAnnotations(annotations.isEmpty() ? null : annotations)
        .withOwnerReferences(controllerReference(owner))
        .endMetadata()
        .withSpec(spec)
        .withNewStatus()
        .withPhase("Pending")
        .withQosClass("BestEffort")
        .endStatus()
        .build();
  }

  static OwnerReference controllerReference(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  static PodDisruptionBudget pdb(PdbSpec spec) {
    return new PodDisruptionBudgetBuilder()
        .withNewMetadata()
        .withNamespace(spec.namespace())
        .withName(spec.name())
        .endMetadata()
        .withNewSpec()
        .withSelector(
            new LabelSelectorBuilder()
                .withMatchLabels(new LinkedHashMap<>(spec.selector()))
                .build())
        .withMinAvailable(intOrPercent(spec.minAvailable()))
        .withMaxUnavailable(intOrPercent(spec.maxUnavailable()))
        .endSpec()
        .build();
  }

  private static IntOrString intOrPercent(String value) {
    if (value == null) {
      return null;
    }
    return value.trim().endsWith("%")
        ? new IntOrString(value.trim())
        : new IntOrString(Integer.parseInt(value.trim()));
  }

  /**
   * A node as the kubelet of an EKS node registers it: NotReady, with the not-ready taint, the node
   * group's labels and taints, the instance as providerID.
   */
  static Node node(NodeLaunch launch, String region, String internalIp, String now) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("kubernetes.io/os", "linux");
    labels.put("kubernetes.io/arch", "amd64");
    labels.put("beta.kubernetes.io/os", "linux");
    labels.put("beta.kubernetes.io/arch", "amd64");
    labels.put("topology.kubernetes.io/region", region);
    if (launch.labels() != null) {
      labels.putAll(launch.labels());
    }
    labels.put("kubernetes.io/hostname", launch.nodeName());
    if (launch.nodeGroup() != null) {
      labels.putIfAbsent("eks.amazonaws.com/nodegroup", launch.nodeGroup());
    }
    List<Taint> taints = new ArrayList<>();
    if (launch.taints() != null) {
      for (TaintSpec t : launch.taints()) {
        taints.add(
            new TaintBuilder()
                .withKey(t.key())
                .withValue(t.value())
                .withEffect(t.effect())
                .build());
      }
    }
    taints.add(
        new TaintBuilder()
            .withKey(NOT_READY_TAINT)
            .withEffect("NoSchedule")
            .withTimeAdded(now)
            .build());
    return new NodeBuilder()
        .withNewMetadata()
        .withName(launch.nodeName())
        .withLabels(labels)
        .addToAnnotations("alpha.kubernetes.io/provided-node-ip", internalIp)
        .endMetadata()
        .withNewSpec()
        .withProviderID(
            "aws:///"
                + labels.getOrDefault("topology.kubernetes.io/zone", region + "a")
                + "/"
                + launch.instanceId())
        .withTaints(taints)
        .endSpec()
        .withNewStatus()
        .withConditions(readyCondition(false, now))
        .addNewAddress()
        .withType("InternalIP")
        .withAddress(internalIp)
        .endAddress()
        .addNewAddress()
        .withType("Hostname")
        .withAddress(launch.nodeName())
        .endAddress()
        .addToCapacity("cpu", new Quantity("2"))
        .addToCapacity("memory", new Quantity("8Gi"))
        .addToCapacity("pods", new Quantity("29"))
        .addToAllocatable("cpu", new Quantity("1930m"))
        .addToAllocatable("memory", new Quantity("7Gi"))
        .addToAllocatable("pods", new Quantity("29"))
        .withNewNodeInfo()
        .withKubeletVersion(kubeletVersion(launch.kubeletVersion()))
        .withKubeProxyVersion(kubeletVersion(launch.kubeletVersion()))
        .withContainerRuntimeVersion("containerd://1.7.27")
        .withOperatingSystem("linux")
        .withArchitecture("amd64")
        .withOsImage("Amazon Linux")
        .withMachineID(launch.instanceId())
        .withSystemUUID(launch.instanceId())
        .withBootID(launch.instanceId())
        .withKernelVersion("6.1.0")
        .endNodeInfo()
        .endStatus()
        .build();
  }

  /** "1.32" becomes "v1.32.0-eks-sandbox"; a full version such as v1.32.9-eks-1234567 is kept. */
  static String kubeletVersion(String version) {
    if (version == null || version.isEmpty()) {
      return "v0.0.0-eks-sandbox";
    }
    String v = version.startsWith("v") ? version : "v" + version;
    return v.matches("v\\d+\\.\\d+") ? v + ".0-eks-sandbox" : v;
  }

  static NodeCondition readyCondition(boolean ready, String since) {
    return new NodeConditionBuilder()
        .withType("Ready")
        .withStatus(ready ? "True" : "False")
        .withReason(ready ? "KubeletReady" : "KubeletNotReady")
        .withMessage(
            ready ? "kubelet is posting ready status" : "container runtime network not ready")
        .withLastTransitionTime(since)
        .withLastHeartbeatTime(since)
        .build();
  }

  static Toleration toleration(String key, String effect) {
    return new TolerationBuilder().withKey(key).withOperator("Exists").withEffect(effect).build();
  }
}
