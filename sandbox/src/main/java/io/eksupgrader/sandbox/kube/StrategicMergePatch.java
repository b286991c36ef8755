package io.eksupgrader.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A strategic merge patch ({@code application/strategic-merge-patch+json}) applied to a built-in
 * object the way the API server applies it, for the patch merge keys of the fields that charts,
 * Helm and kubectl touch. It is what Helm sends to update a Deployment, a ServiceAccount or a CRD.
 *
 * <p>From the object's root, recursively:
 *
 * <ol>
 *   <li>A map in the patch merges into the stored map key by key; {@code null} deletes the key.
 *       {@code "$patch": "replace"} replaces the whole map by the patch, {@code "$patch": "delete"}
 *       removes it, and {@code "$retainKeys": [...]} drops, after merging, every key it does not
 *       list.
 *   <li>A list whose field has a patch merge key ({@link #MERGE_KEYS}: containers, env, volumes …
 *       by {@code name}, volumeMounts by {@code mountPath}, a container's ports by {@code
 *       containerPort}, a Service's by {@code port}) merges element by element: a patch element
 *       whose key matches a stored one merges into it, a new key is appended, an element with
 *       {@code "$patch": "delete"} removes the stored one. A list whose first element is {@code
 *       {"$patch": "replace"}} replaces the stored list by the other elements.
 *   <li>{@code "$setElementOrder/<field>"} then orders that list: the elements it names first, in
 *       its order, then the others as they were.
 *   <li>A list of strings with the merge strategy ({@code finalizers}) is merged as a set; {@code
 *       "$deleteFromPrimitiveList/<field>"} removes values from it.
 *   <li>Every other list (tolerations, args, rules …) and every scalar replaces the stored value.
 * </ol>
 *
 * The field names decide, not the Go types: a field named like a merge-keyed one merges wherever it
 * sits. That is right for every built-in kind the sandbox serves. Directives never reach the stored
 * object. A patch that misuses a directive is refused with {@link IllegalArgumentException}.
 */
final class StrategicMergePatch {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final String PATCH = "$patch";
  private static final String RETAIN_KEYS = "$retainKeys";
  private static final String ELEMENT_ORDER = "$setElementOrder/";
  private static final String DELETE_FROM_PRIMITIVES = "$deleteFromPrimitiveList/";

  /** Patch merge keys of list fields, as the Kubernetes API types declare them. */
  static final Map<String, String> MERGE_KEYS =
      Map.ofEntries(
          Map.entry("containers", "name"),
          Map.entry("initContainers", "name"),
          Map.entry("ephemeralContainers", "name"),
          Map.entry("env", "name"),
          Map.entry("volumes", "name"),
          Map.entry("volumeMounts", "mountPath"),
          Map.entry("volumeDevices", "devicePath"),
          Map.entry("imagePullSecrets", "name"),
          Map.entry("hostAliases", "ip"),
          Map.entry("conditions", "type"),
          Map.entry("ownerReferences", "uid"),
          Map.entry("topologySpreadConstraints", "topologyKey"),
          Map.entry("resourceClaims", "name"),
          Map.entry("secrets", "name"),
          Map.entry("webhooks", "name"));

  /** Container list fields, whose elements' {@code ports} merge by containerPort. */
  private static final Set<String> CONTAINER_LISTS =
      Set.of("containers", "initContainers", "ephemeralContainers");

  /** Lists of strings that merge as sets. */
  private static final Set<String> MERGED_PRIMITIVE_LISTS = Set.of("finalizers");

  private StrategicMergePatch() {}

  /** The object {@code original} becomes under {@code patch}; neither argument is changed. */
  static ObjectNode apply(JsonNode original, JsonNode patch) {
    if (patch == null || !patch.isObject()) {
      throw new IllegalArgumentException("a strategic merge patch must be a JSON object");
    }
    ObjectNode base =
        original != null && original.isObject() ? original.deepCopy() : NODES.objectNode();
    JsonNode result = mergeMap(base, (ObjectNode) patch, "");
    if (result == null) {
      throw new IllegalArgumentException("a strategic merge patch cannot delete the whole object");
    }
    return (ObjectNode) result;
  }

  /**
   * Merges {@code patch} into {@code target} (changed in place), or answers the replacement, or
   * null when the patch deletes the map.
   *
   * @param holder the name of the field that holds this map, or of the list that holds it
   */
  private static ObjectNode mergeMap(ObjectNode target, ObjectNode patch, String holder) {
    String directive = patch.path(PATCH).asText("merge");
    switch (directive) {
      case "delete" -> {
        return null;
      }
      case "replace" -> {
        ObjectNode replacement = patch.deepCopy();
        replacement.remove(PATCH);
        return mergeMap(NODES.objectNode(), replacement, holder);
      }
      case "merge" -> {}
      default -> throw new IllegalArgumentException("unknown patch directive $patch: " + directive);
    }
    List<String> retainKeys = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String key = field.getKey();
      JsonNode value = field.getValue();
      if (key.equals(PATCH) || key.startsWith(ELEMENT_ORDER)) {
        continue;
      }
      if (key.equals(RETAIN_KEYS)) {
        retainKeys = strings(value, key);
      } else if (key.startsWith(DELETE_FROM_PRIMITIVES)) {
        String list = key.substring(DELETE_FROM_PRIMITIVES.length());
        deleteFromPrimitiveList(target, list, strings(value, key));
      } else if (value.isNull()) {
        target.remove(key);
      } else if (value.isObject()) {
        JsonNode stored = target.get(key);
        ObjectNode merged =
            mergeMap(
                stored != null && stored.isObject() ? (ObjectNode) stored : NODES.objectNode(),
                (ObjectNode) value,
                key);
        if (merged == null) {
          target.remove(key);
        } else {
          target.set(key, merged);
        }
      } else if (value.isArray()) {
        target.set(key, mergeList(key, holder, target.get(key), (ArrayNode) value));
      } else {
        target.set(key, value.deepCopy());
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getKey().startsWith(ELEMENT_ORDER)) {
        String list = field.getKey().substring(ELEMENT_ORDER.length());
        JsonNode stored = target.get(list);
        if (stored != null && stored.isArray()) {
          target.set(list, ordered((ArrayNode) stored, field.getValue(), mergeKey(list, holder)));
        }
      }
    }
    if (retainKeys != null) {
      Set<String> retained = new LinkedHashSet<>(retainKeys);
      target.retain(retained);
    }
    return target;
  }

  private static String mergeKey(String field, String holder) {
    if (field.equals("ports")) {
      return CONTAINER_LISTS.contains(holder) ? "containerPort" : "port";
    }
    return MERGE_KEYS.get(field);
  }

  private static JsonNode mergeList(String field, String holder, JsonNode stored, ArrayNode patch) {
    if (!patch.isEmpty()
        && patch.get(0).isObject()
        && "replace".equals(patch.get(0).path(PATCH).asText())) {
      ArrayNode rest = NODES.arrayNode();
      for (int i = 1; i < patch.size(); i++) {
        addWithoutDirectives(rest, patch.get(i), field);
      }
      return rest;
    }
    String key = mergeKey(field, holder);
    if (MERGED_PRIMITIVE_LISTS.contains(field)) {
      ArrayNode union = stored != null && stored.isArray() ? stored.deepCopy() : NODES.arrayNode();
      for (JsonNode value : patch) {
        if (!contains(union, value)) {
          union.add(value);
        }
      }
      return union;
    }
    if (key == null) {
      ArrayNode replacement = NODES.arrayNode();
      for (JsonNode element : patch) {
        addWithoutDirectives(replacement, element, field);
      }
      return replacement;
    }
    ArrayNode merged = stored != null && stored.isArray() ? stored.deepCopy() : NODES.arrayNode();
    for (JsonNode element : patch) {
      if (!element.isObject()) {
        throw new IllegalArgumentException(
            "the elements of " + field + " merge by " + key + " and must be objects");
      }
      JsonNode id = element.get(key);
      if (id == null) {
        throw new IllegalArgumentException(
            "an element of " + field + " lacks its merge key " + key + ": " + element);
      }
      int at = indexOf(merged, key, id);
      boolean delete = "delete".equals(element.path(PATCH).asText());
      if (delete) {
        if (at >= 0) {
          merged.remove(at);
        }
      } else if (at >= 0) {
        merged.set(at, mergeMap((ObjectNode) merged.get(at), (ObjectNode) element, field));
      } else {
        merged.add(mergeMap(NODES.objectNode(), (ObjectNode) element, field));
      }
    }
    return merged;
  }

  /** The list in the order {@code order} gives, elements it does not name after, as they were. */
  private static ArrayNode ordered(ArrayNode list, JsonNode order, String key) {
    List<JsonNode> rest = new ArrayList<>();
    list.forEach(rest::add);
    ArrayNode out = NODES.arrayNode();
    for (JsonNode wanted : order) {
      for (Iterator<JsonNode> it = rest.iterator(); it.hasNext(); ) {
        JsonNode element = it.next();
        boolean same =
            key == null
                ? element.equals(wanted)
                : element.isObject() && element.path(key).equals(wanted.path(key));
        if (same) {
          out.add(element);
          it.remove();
          break;
        }
      }
    }
    rest.forEach(out::add);
    return out;
  }

  private static void deleteFromPrimitiveList(
      ObjectNode target, String field, List<String> values) {
    JsonNode stored = target.get(field);
    if (stored == null || !stored.isArray()) {
      return;
    }
    ArrayNode kept = NODES.arrayNode();
    for (JsonNode value : stored) {
      if (!values.contains(value.asText())) {
        kept.add(value);
      }
    }
    target.set(field, kept);
  }

  /**
   * Adds a patch element to a list that it replaces; an element marked for deletion is left out.
   */
  private static void addWithoutDirectives(ArrayNode list, JsonNode element, String field) {
    if (!element.isObject()) {
      list.add(element.deepCopy());
      return;
    }
    ObjectNode plain = mergeMap(NODES.objectNode(), (ObjectNode) element, field);
    if (plain != null) {
      list.add(plain);
    }
  }

  private static int indexOf(ArrayNode list, String key, JsonNode id) {
    for (int i = 0; i < list.size(); i++) {
      if (id.equals(list.get(i).get(key))) {
        return i;
      }
    }
    return -1;
  }

  private static boolean contains(ArrayNode list, JsonNode value) {
    for (JsonNode element : list) {
      if (element.equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static List<String> strings(JsonNode list, String directive) {
    if (!list.isArray()) {
      throw new IllegalArgumentException(directive + " must be a list");
    }
    List<String> out = new ArrayList<>();
    list.forEach(v -> out.add(v.asText()));
    return out;
  }
}
