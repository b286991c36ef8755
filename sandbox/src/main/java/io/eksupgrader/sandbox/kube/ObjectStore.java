package io.eksupgrader.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksupgrader.sandbox.SimulatedClock;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.crud.AttributeSet;
import java.lang.reflect.Field;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.function.Supplier;

/**
 * Typed access to the objects the CRUD mock server stores, for the simulated controllers and the
 * API extensions. Writes go through the mock's own {@code processEvent}, so that watches see them
 * as they see writes by clients.
 *
 * <p>Every read and write runs under {@link #atomically}, which holds the CRUD dispatcher's own
 * write lock: fabric8 keeps it private, and without it a controller's write could race the initial
 * listing of a new watch (a {@code ConcurrentModificationException} in the mock). The dispatcher
 * answers every request under the same lock, so controllers and clients see one order of events.
 */
final class ObjectStore {

  private final KubernetesCrudDispatcher crud;
  private final Map<AttributeSet, String> objects;
  private final Lock lock;
  private final SimulatedClock clock;
  private final Random random;
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  ObjectStore(
      KubernetesCrudDispatcher crud,
      Map<AttributeSet, String> objects,
      SimulatedClock clock,
      long seed) {
    this.crud = crud;
    this.objects = objects;
    this.lock = writeLockOf(crud);
    this.clock = clock;
    this.random = new Random(seed);
  }

  private static Lock writeLockOf(KubernetesCrudDispatcher crud) {
    try {
      Field field = KubernetesCrudDispatcher.class.getDeclaredField("lock");
      field.setAccessible(true);
      return ((ReadWriteLock) field.get(crud)).writeLock();
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalStateException(
          "this fabric8 kubernetes-server-mock has no ReadWriteLock field 'lock' in"
              + " KubernetesCrudDispatcher; the sandbox was written against 7.9.0",
          e);
    }
  }

  <T> T atomically(Supplier<T> work) {
    lock.lock();
    try {
      return work.get();
    } finally {
      lock.unlock();
    }
  }

  void atomically(Runnable work) {
    atomically(
        () -> {
          work.run();
          return null;
        });
  }

  Instant now() {
    return clock.instant();
  }

  Random random() {
    return random;
  }

  KubernetesSerialization serialization() {
    return serialization;
  }

  /** A new UID, from the seeded random so that a run repeats. */
  String newUid() {
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }

  /** A suffix like the ones controllers generate: consonants and digits without vowels. */
  String randomSuffix(int length) {
    String alphabet = "bcdfghjklmnpqrstvwxz2456789";
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < length; i++) {
      out.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return out.toString();
  }

  static String timestamp(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  static Instant instant(String timestamp) {
    return timestamp == null || timestamp.isEmpty() ? null : Instant.parse(timestamp);
  }

  static String collectionPath(Class<? extends HasMetadata> type, String namespace) {
    String group = HasMetadata.getGroup(type);
    String version = HasMetadata.getVersion(type);
    String base =
        group == null || group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    boolean namespaced = Namespaced.class.isAssignableFrom(type);
    return base
        + (namespaced && namespace != null ? "/namespaces/" + namespace : "")
        + "/"
        + HasMetadata.getPlural(type);
  }

  static String objectPath(HasMetadata object) {
    return collectionPath(object.getClass(), object.getMetadata().getNamespace())
        + "/"
        + object.getMetadata().getName();
  }

  /** All objects of a type, sorted by namespace and name so that controllers act in one order. */
  <T extends HasMetadata> List<T> list(Class<T> type) {
    return list(type, null);
  }

  <T extends HasMetadata> List<T> list(Class<T> type, String namespace) {
    AttributeSet query = crud.getKey(collectionPath(type, namespace));
    List<String> bodies = new ArrayList<>();
    synchronized (objects) {
      for (Map.Entry<AttributeSet, String> entry : objects.entrySet()) {
        if (entry.getKey().matches(query)) {
          bodies.add(entry.getValue());
        }
      }
    }
    List<T> result = new ArrayList<>();
    for (String body : bodies) {
      result.add(serialization.unmarshal(body, type));
    }
    result.sort(
        Comparator.comparing((T o) -> String.valueOf(o.getMetadata().getNamespace()))
            .thenComparing(o -> o.getMetadata().getName()));
    return result;
  }

  <T extends HasMetadata> Optional<T> get(Class<T> type, String namespace, String name) {
    Map.Entry<AttributeSet, String> entry =
        crud.findResource(crud.getKey(collectionPath(type, namespace) + "/" + name));
    return entry == null
        ? Optional.empty()
        : Optional.of(serialization.unmarshal(entry.getValue(), type));
  }

  /** Stores a new object with the metadata the API server gives one, in simulated time. */
  <T extends HasMetadata> T create(T object) {
    ObjectMeta meta = object.getMetadata();
    meta.setUid(newUid());
    meta.setCreationTimestamp(timestamp(now()));
    meta.setResourceVersion(String.valueOf(crud.requestResourceVersion()));
    meta.setGeneration(1L);
    String path = objectPath(object);
    crud.processEvent(path, crud.getKey(path), null, null, serialization.asJson(object));
    return object;
  }

  /**
   * Stores a new object given as JSON under its path (for kinds without a fabric8 class), with the
   * metadata the API server gives one.
   */
  void create(String objectPath, ObjectNode object) {
    ObjectNode meta =
        object.path("metadata").isObject() ? (ObjectNode) object.get("metadata") : object.putObject("metadata");
    meta.put("uid", newUid());
    meta.put("creationTimestamp", timestamp(now()));
    meta.put("resourceVersion", String.valueOf(crud.requestResourceVersion()));
    meta.put("generation", 1);
    crud.processEvent(objectPath, crud.getKey(objectPath), null, null, serialization.asJson(object));
  }

  /** Every stored object as JSON, in no particular order. */
  List<JsonNode> all() {
    List<String> bodies;
    synchronized (objects) {
      bodies = new ArrayList<>(objects.values());
    }
    List<JsonNode> result = new ArrayList<>();
    for (String body : bodies) {
      result.add(serialization.unmarshal(body, JsonNode.class));
    }
    return result;
  }

  /**
   * Writes an object back if it differs from the stored one, with a new resourceVersion.
   *
   * @return whether anything changed
   */
  boolean update(HasMetadata object) {
    String path = objectPath(object);
    AttributeSet key = crud.getKey(path);
    Map.Entry<AttributeSet, String> current = crud.findResource(key);
    if (current == null) {
      return false;
    }
    JsonNode stored = serialization.unmarshal(current.getValue(), JsonNode.class);
    object
        .getMetadata()
        .setResourceVersion(stored.path("metadata").path("resourceVersion").asText());
    // Both sides parsed from text: a tree built from the object would hold a LongNode where the
    // parsed one holds an IntNode, and the two never compare equal.
    JsonNode wanted = serialization.unmarshal(serialization.asJson(object), JsonNode.class);
    if (wanted.equals(stored)) {
      return false;
    }
    object.getMetadata().setResourceVersion(String.valueOf(crud.requestResourceVersion()));
    crud.processEvent(path, key, current.getKey(), null, serialization.asJson(object));
    return true;
  }

  /** Removes an object at once; returns whether it existed. */
  boolean remove(HasMetadata object) {
    String path = objectPath(object);
    AttributeSet key = crud.getKey(path);
    Map.Entry<AttributeSet, String> current = crud.findResource(key);
    if (current == null) {
      return false;
    }
    crud.processEvent(path, key, current.getKey(), null, null);
    return true;
  }
}
