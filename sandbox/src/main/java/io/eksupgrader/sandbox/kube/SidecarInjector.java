package io.eksupgrader.sandbox.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ServiceReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Istio's sidecar injector, called as the API server calls a mutating webhook when a controller
 * creates a pod.
 *
 * <p>Which revision injects, in this order: pod label {@code sidecar.istio.io/inject: "false"} →
 * none; the pod's {@code istio.io/rev} label; the namespace's {@code istio.io/rev} label; the
 * namespace's {@code istio-injection: enabled} → "default"; else none. That name resolves through
 * the webhook configuration labelled {@code istio.io/tag: <name>} (a revision tag), else through
 * the one labelled {@code istio.io/rev: <name>} without a tag label; without either nothing injects.
 * The configuration's {@code istio.io/rev} label is the injecting revision, its webhook's service
 * the istiod that answers.
 *
 * <p>The webhooks fail closed: while that service selects no Ready pod, the pod is refused with the
 * API server's message (the world the scenario describes at the start already runs, so its own
 * pods are not refused). An injected pod gets the proxy of the version the revision's istiod
 * Deployment runs at that moment ({@code docker.io/istio/proxyv2:<version>}): a container {@code
 * istio-proxy} after the others and an init container {@code istio-init}, or, for the gateway
 * template ({@code inject.istio.io/templates: gateway}), the image of its own {@code istio-proxy}
 * container replaced; the volume {@code istio-envoy}, the annotation {@code sidecar.istio.io/status}
 * and the labels {@code security.istio.io/tlsMode: istio}, {@code
 * service.istio.io/canonical-revision: latest}. A pod already injected is left as it is.
 */
final class SidecarInjector {

  static final String REV_LABEL = "istio.io/rev";
  static final String TAG_LABEL = "istio.io/tag";
  static final String INJECTION_LABEL = "istio-injection";
  static final String INJECT_LABEL = "sidecar.istio.io/inject";
  static final String STATUS_ANNOTATION = "sidecar.istio.io/status";
  static final String TEMPLATES_ANNOTATION = "inject.istio.io/templates";
  static final String PROXY = "istio-proxy";

  private static final String REV_WEBHOOK = "rev.namespace.sidecar-injector.istio.io";
  private static final String INJECTION_WEBHOOK = "namespace.sidecar-injector.istio.io";

  private final ObjectStore store;

  SidecarInjector(ObjectStore store) {
    this.store = store;
  }

  /** The pod to create, injected or not, or the webhook's refusal. */
  record Admission(Pod pod, String refusal) {

    boolean allowed() {
      return refusal == null;
    }
  }

  /**
   * Runs the injector on a pod about to be created.
   *
   * @param startingWorld the pod belongs to the world the scenario starts with: its istiod counts
   *     as answering although its own pod is only being created
   */
  Admission admit(Pod pod, boolean startingWorld) {
    Map<String, String> labels = ObjectFacts.labels(pod);
    if (annotations(pod).containsKey(STATUS_ANNOTATION) || "false".equals(labels.get(INJECT_LABEL))) {
      return new Admission(pod, null);
    }
    Map<String, String> namespaceLabels =
        store.get(Namespace.class, null, pod.getMetadata().getNamespace()).map(ObjectFacts::labels).orElse(Map.of());
    String selected;
    boolean byInjectionLabel = false;
    if (labels.get(REV_LABEL) != null) {
      selected = labels.get(REV_LABEL);
    } else if (namespaceLabels.get(REV_LABEL) != null) {
      selected = namespaceLabels.get(REV_LABEL);
    } else if ("enabled".equals(namespaceLabels.get(INJECTION_LABEL))) {
      selected = "default";
      byInjectionLabel = true;
    } else {
      return new Admission(pod, null);
    }
    Optional<MutatingWebhookConfiguration> configuration = configurationFor(selected);
    if (configuration.isEmpty()) {
      return new Admission(pod, null);
    }
    String revision = ObjectFacts.labels(configuration.get()).get(REV_LABEL);
    Optional<MutatingWebhook> webhook = webhookOf(configuration.get(), byInjectionLabel);
    ServiceReference service =
        webhook.map(w -> w.getClientConfig() == null ? null : w.getClientConfig().getService()).orElse(null);
    if (service == null) {
      return new Admission(pod, null);
    }
    String refusal = startingWorld ? null : unreachable(webhook.get().getName(), service);
    if (refusal != null) {
      return new Admission(null, refusal);
    }
    Optional<String> version = versionServing(service, revision);
    if (version.isEmpty()) {
      return new Admission(null, callFailed(webhook.get().getName(), service, "no endpoints available for service \"" + service.getName() + "\""));
    }
    return new Admission(inject(pod, revision, version.get()), null);
  }

  /** The tag's webhook configuration, else the revision's own (one without a tag label). */
  private Optional<MutatingWebhookConfiguration> configurationFor(String name) {
    List<MutatingWebhookConfiguration> all = store.list(MutatingWebhookConfiguration.class);
    Optional<MutatingWebhookConfiguration> tag =
        all.stream().filter(c -> name.equals(ObjectFacts.labels(c).get(TAG_LABEL))).findFirst();
    if (tag.isPresent()) {
      return tag;
    }
    return all.stream()
        .filter(c -> name.equals(ObjectFacts.labels(c).get(REV_LABEL)))
        .filter(c -> !ObjectFacts.labels(c).containsKey(TAG_LABEL))
        .findFirst();
  }

  /** The webhook that matched: the istio-injection one when that label selected the revision. */
  private static Optional<MutatingWebhook> webhookOf(MutatingWebhookConfiguration configuration, boolean byInjectionLabel) {
    List<MutatingWebhook> webhooks = configuration.getWebhooks() == null ? List.of() : configuration.getWebhooks();
    String wanted = byInjectionLabel ? INJECTION_WEBHOOK : REV_WEBHOOK;
    return webhooks.stream()
        .filter(w -> wanted.equals(w.getName()))
        .findFirst()
        .or(() -> webhooks.stream().findFirst());
  }

  /** Why the webhook's service cannot answer, or null when a Ready pod stands behind it. */
  private String unreachable(String webhook, ServiceReference reference) {
    Optional<Service> service = store.get(Service.class, reference.getNamespace(), reference.getName());
    if (service.isEmpty()) {
      return callFailed(webhook, reference, "service \"" + reference.getName() + "\" not found");
    }
    if (readyPods(service.get()).isEmpty()) {
      return callFailed(webhook, reference, "no endpoints available for service \"" + reference.getName() + "\"");
    }
    return null;
  }

  private List<Pod> readyPods(Service service) {
    Map<String, String> selector = service.getSpec() == null ? null : service.getSpec().getSelector();
    if (selector == null || selector.isEmpty()) {
      return List.of();
    }
    return store.list(Pod.class, service.getMetadata().getNamespace()).stream()
        .filter(p -> ObjectFacts.isActive(p) && ObjectFacts.isReady(p))
        .filter(p -> selector.entrySet().stream().allMatch(e -> e.getValue().equals(ObjectFacts.labels(p).get(e.getKey()))))
        .toList();
  }

  /** The API server's message for a webhook it could not call. */
  private static String callFailed(String webhook, ServiceReference service, String cause) {
    int port = service.getPort() == null ? 443 : service.getPort();
    String path = service.getPath() == null ? "" : service.getPath();
    return "Internal error occurred: failed calling webhook \"" + webhook + "\": failed to call webhook: Post \"https://"
        + service.getName() + "." + service.getNamespace() + ".svc:" + port + path + "?timeout=10s\": " + cause;
  }

  /**
   * The Istio version behind a webhook's service: the image tag of its istiod Deployment's {@code
   * discovery} container (the Deployment of the service's name, else the revision's), else of a
   * Ready pod's.
   */
  private Optional<String> versionServing(ServiceReference reference, String revision) {
    List<Deployment> deployments = store.list(Deployment.class, reference.getNamespace());
    Optional<Deployment> istiod =
        deployments.stream()
            .filter(d -> d.getMetadata().getName().equals(reference.getName()))
            .findFirst()
            .or(
                () ->
                    deployments.stream()
                        .filter(d -> "istiod".equals(ObjectFacts.labels(d).get("app")))
                        .filter(d -> Objects.equals(revision, ObjectFacts.labels(d).get(REV_LABEL)))
                        .min(Comparator.comparing(d -> d.getMetadata().getName())));
    Optional<String> fromDeployment =
        istiod
            .filter(d -> d.getSpec() != null && d.getSpec().getTemplate() != null)
            .flatMap(d -> discoveryTag(d.getSpec().getTemplate().getSpec().getContainers()));
    if (fromDeployment.isPresent()) {
      return fromDeployment;
    }
    return store.get(Service.class, reference.getNamespace(), reference.getName()).stream()
        .flatMap(s -> readyPods(s).stream())
        .map(p -> discoveryTag(p.getSpec().getContainers()))
        .flatMap(Optional::stream)
        .findFirst();
  }

  private static Optional<String> discoveryTag(List<Container> containers) {
    if (containers == null) {
      return Optional.empty();
    }
    return containers.stream()
        .filter(c -> "discovery".equals(c.getName()) && c.getImage() != null && c.getImage().contains(":"))
        .map(c -> c.getImage().substring(c.getImage().lastIndexOf(':') + 1))
        .findFirst();
  }

  private Pod inject(Pod original, String revision, String version) {
    var json = store.serialization();
    Pod pod = json.unmarshal(json.asJson(original), Pod.class);
    boolean gateway = "gateway".equals(annotations(pod).get(TEMPLATES_ANNOTATION));
    String image = ChartManifests.proxyImage(version);
    List<Container> containers = new ArrayList<>(pod.getSpec().getContainers());
    Container proxy =
        new ContainerBuilder()
            .withName(PROXY)
            .withImage(image)
            .withArgs("proxy", gateway ? "router" : "sidecar")
            .addNewPort()
            .withName("http-envoy-prom")
            .withContainerPort(15090)
            .withProtocol("TCP")
            .endPort()
            .addToVolumeMounts(new VolumeMountBuilder().withName("istio-envoy").withMountPath("/etc/istio/proxy").build())
            .build();
    int existing = indexOf(containers, PROXY);
    if (gateway && existing >= 0) {
      Container own = containers.get(existing);
      containers.set(
          existing,
          new ContainerBuilder(own)
              .withImage(image)
              .withArgs(proxy.getArgs())
              .addToVolumeMounts(proxy.getVolumeMounts().get(0))
              .build());
    } else if (existing < 0) {
      containers.add(proxy);
    }
    pod.getSpec().setContainers(containers);
    if (!gateway) {
      List<Container> init = new ArrayList<>();
      init.add(
          new ContainerBuilder()
              .withName("istio-init")
              .withImage(image)
              .withArgs("istio-iptables", "-p", "15001", "-z", "15006", "-u", "1337")
              .build());
      if (pod.getSpec().getInitContainers() != null) {
        init.addAll(pod.getSpec().getInitContainers());
      }
      pod.getSpec().setInitContainers(init);
    }
    List<Volume> volumes = pod.getSpec().getVolumes() == null ? new ArrayList<>() : new ArrayList<>(pod.getSpec().getVolumes());
    if (volumes.stream().noneMatch(v -> "istio-envoy".equals(v.getName()))) {
      volumes.add(new VolumeBuilder().withName("istio-envoy").withNewEmptyDir().withMedium("Memory").endEmptyDir().build());
    }
    pod.getSpec().setVolumes(volumes);
    Map<String, String> annotations = new LinkedHashMap<>(annotations(pod));
    annotations.put(
        STATUS_ANNOTATION,
        "{\"initContainers\":" + (gateway ? "null" : "[\"istio-init\"]")
            + ",\"containers\":[\"istio-proxy\"],\"volumes\":[\"istio-envoy\"],\"imagePullSecrets\":null,\"revision\":\""
            + revision + "\"}");
    pod.getMetadata().setAnnotations(annotations);
    Map<String, String> labels = new LinkedHashMap<>(ObjectFacts.labels(pod));
    labels.put("security.istio.io/tlsMode", "istio");
    labels.put("service.istio.io/canonical-revision", "latest");
    pod.getMetadata().setLabels(labels);
    return pod;
  }

  private static int indexOf(List<Container> containers, String name) {
    for (int i = 0; i < containers.size(); i++) {
      if (name.equals(containers.get(i).getName())) {
        return i;
      }
    }
    return -1;
  }

  private static Map<String, String> annotations(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    return annotations == null ? Map.of() : annotations;
  }
}
