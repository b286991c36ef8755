package io.eksupgrader.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the apiextensions API server and its controllers do with a CustomResourceDefinition on each
 * write, and the CRUD mock does not. Helm waits for a CRD it creates to be Established, and a
 * storage-version migration (Karpenter v1beta1 → v1) lives on {@code status.storedVersions}.
 *
 * <ol>
 *   <li>A write of the CRD itself (PUT or PATCH) cannot change its status: the stored status is
 *       kept. The write is refused with 422 Invalid when a version listed in {@code
 *       status.storedVersions} is missing from the new {@code spec.versions}, with the real message
 *       ({@code status.storedVersions[0]: Invalid value: "v1beta1": must appear in spec.versions}).
 *   <li>A write of the status subresource changes only the status. It may shrink {@code
 *       storedVersions} (how a migration finishes), but every version left must appear in {@code
 *       spec.versions} and the storage version must stay.
 *   <li>After every accepted write and at creation the CRD settles: conditions NamesAccepted and
 *       Established True, {@code acceptedNames} = {@code spec.names}, and the storage version added
 *       to {@code storedVersions}, which no spec write ever shrinks.
 * </ol>
 */
final class CustomResourceDefinitions {

  static final String GROUP = "apiextensions.k8s.io";
  static final String RESOURCE = "customresourcedefinitions";
  static final String COLLECTION = "/apis/" + GROUP + "/v1/" + RESOURCE;

  private CustomResourceDefinitions() {}

  static boolean isDefinition(ApiRequest call) {
    return GROUP.equals(call.group()) && RESOURCE.equals(call.resource());
  }

  static boolean isStatusWrite(ApiRequest call) {
    return "status".equals(call.subresource());
  }

  /**
   * The object a write leaves, before it is checked and settled: for the CRD itself the written
   * object with the stored status, for the status subresource the stored object with the written
   * status.
   */
  static ObjectNode written(ObjectNode stored, ObjectNode requested, boolean statusWrite) {
    if (statusWrite) {
      ObjectNode result = stored.deepCopy();
      if (requested.has("status")) {
        result.set("status", requested.get("status").deepCopy());
      } else {
        result.remove("status");
      }
      return result;
    }
    ObjectNode result = requested.deepCopy();
    if (stored.has("status")) {
      result.set("status", stored.get("status").deepCopy());
    } else {
      result.remove("status");
    }
    return result;
  }

  /** Why the API server refuses to store {@code updated}, if it does. */
  static Optional<Status> refusal(ObjectNode updated, boolean statusWrite) {
    Set<String> specVersions = new LinkedHashSet<>();
    updated.path("spec").path("versions").forEach(v -> specVersions.add(v.path("name").asText()));
    List<String> stored = storedVersions(updated);
    String name = updated.path("metadata").path("name").asText();
    for (int i = 0; i < stored.size(); i++) {
      if (!specVersions.contains(stored.get(i))) {
        return Optional.of(
            ApiStatus.invalid(
                "CustomResourceDefinition",
                GROUP,
                name,
                "status.storedVersions[" + i + "]",
                "Invalid value: \"" + stored.get(i) + "\": must appear in spec.versions"));
      }
    }
    String storage = storageVersion(updated);
    if (statusWrite && storage != null && !stored.isEmpty() && !stored.contains(storage)) {
      return Optional.of(
          ApiStatus.invalid(
              "CustomResourceDefinition",
              GROUP,
              name,
              "status.storedVersions",
              "Invalid value: "
                  + goStrings(stored)
                  + ": must have the storage version "
                  + storage));
    }
    return Optional.empty();
  }

  /** The CRD as its controllers leave it once they have seen it: Established, names accepted. */
  static ObjectNode settled(ObjectNode crd, Instant now) {
    ObjectNode result = crd.deepCopy();
    ObjectNode status =
        result.path("status").isObject()
            ? (ObjectNode) result.get("status")
            : result.putObject("status");
    String time = ObjectStore.timestamp(now);
    ArrayNode conditions =
        status.path("conditions").isArray()
            ? (ArrayNode) status.get("conditions")
            : status.putArray("conditions");
    setTrue(conditions, "NamesAccepted", "NoConflicts", "no conflicts found", time);
    setTrue(
        conditions,
        "Established",
        "InitialNamesAccepted",
        "the initial names have been accepted",
        time);
    status.set("acceptedNames", result.path("spec").path("names").deepCopy());
    List<String> stored = new ArrayList<>(storedVersions(result));
    String storage = storageVersion(result);
    if (storage != null && !stored.contains(storage)) {
      stored.add(storage);
    }
    ArrayNode storedVersions = status.putArray("storedVersions");
    stored.forEach(storedVersions::add);
    return result;
  }

  /** Keeps a condition that is already True as it is, so that its transition time holds. */
  private static void setTrue(
      ArrayNode conditions, String type, String reason, String message, String time) {
    for (JsonNode c : conditions) {
      if (type.equals(c.path("type").asText())) {
        if (!"True".equals(c.path("status").asText())) {
          ((ObjectNode) c)
              .put("status", "True")
              .put("reason", reason)
              .put("message", message)
              .put("lastTransitionTime", time);
        }
        return;
      }
    }
    conditions
        .addObject()
        .put("type", type)
        .put("status", "True")
        .put("lastTransitionTime", time)
        .put("reason", reason)
        .put("message", message);
  }

  static List<String> storedVersions(JsonNode crd) {
    List<String> versions = new ArrayList<>();
    crd.path("status").path("storedVersions").forEach(v -> versions.add(v.asText()));
    return versions;
  }

  private static String storageVersion(JsonNode crd) {
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (v.path("storage").asBoolean(false)) {
        return v.path("name").asText();
      }
    }
    return null;
  }

  /** A list of strings as Go's %#v prints it in validation messages: []string{"v1beta1"}. */
  private static String goStrings(List<String> values) {
    List<String> quoted = new ArrayList<>();
    values.forEach(v -> quoted.add("\"" + v + "\""));
    return "[]string{" + String.join(", ", quoted) + "}";
  }
}
