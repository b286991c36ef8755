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
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
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
  /** Collections read so far, by collection path and type; kept current by {@link #written}. */
  private final Map<String, Collection> collections = new HashMap<>();

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
    List<T> result = new ArrayList<>();
    for (Stored stored : collection(type, namespace).sorted()) {
      result.add(serialization.unmarshal(stored.body, type));
    }
    return result;
  }

  /**
   * All objects of a type in the order {@link #list(Class)} gives them, but parsed once per stored
   * version and shared between callers: the controllers read every pod several times a tick, and
   * parsing each one each time was most of the sandbox's work. Callers must not modify them;
   * {@link #get} gives a copy to change.
   */
  <T extends HasMetadata> List<T> view(Class<T> type) {
    return view(type, null);
  }

  <T extends HasMetadata> List<T> view(Class<T> type, String namespace) {
    List<T> result = new ArrayList<>();
    for (Stored stored : collection(type, namespace).sorted()) {
      result.add(type.cast(stored.parsed));
    }
    return Collections.unmodifiableList(result);
  }

  /** A copy of a shared object from {@link #view}, to change and write back. */
  <T extends HasMetadata> T copy(T shared) {
    return serialization.clone(shared);
  }

  <T extends HasMetadata> Optional<T> get(Class<T> type, String namespace, String name) {
    Stored stored = stored(type, namespace, name);
    return stored == null
        ? Optional.empty()
        : Optional.of(serialization.unmarshal(stored.body, type));
  }

  /** The stored version of one object, found by namespace and name in its type's collection. */
  private Stored stored(Class<? extends HasMetadata> type, String namespace, String name) {
    String scope = Namespaced.class.isAssignableFrom(type) ? namespace : null;
    return collection(type, null).byName().get(nameKey(scope, name));
  }

  private static String nameKey(String namespace, String name) {
    return namespace + "/" + name;
  }

  private static String nameKey(ObjectMeta meta) {
    return nameKey(meta.getNamespace(), meta.getName());
  }

  /**
   * The collection of one type (in one namespace or in all), read from the CRUD mock's map the first
   * time it is asked for and kept current from then on by {@link #written}.
   */
  private Collection collection(Class<? extends HasMetadata> type, String namespace) {
    String path = collectionPath(type, namespace);
    String name = path + " " + type.getName();
    synchronized (collections) {
      Collection collection = collections.get(name);
      if (collection == null) {
        collection = new Collection(type, crud.getKey(path));
        synchronized (objects) {
          for (Map.Entry<AttributeSet, String> entry : objects.entrySet()) {
            collection.put(entry.getKey(), entry.getValue());
          }
        }
        collections.put(name, collection);
      }
      return collection;
    }
  }

  /**
   * Called after every write to the CRUD mock's map, by clients or by controllers: the entry under
   * {@code oldKey} (if any) is gone, and {@code body} (if any) is stored under the key whose value is
   * that very string, which the mock puts in its map as given.
   */
  void written(AttributeSet oldKey, String body) {
    AttributeSet newKey = null;
    if (body != null) {
      synchronized (objects) {
        for (Map.Entry<AttributeSet, String> entry : objects.entrySet()) {
          if (entry.getValue() == body) {
            newKey = entry.getKey();
            break;
          }
        }
      }
    }
    synchronized (collections) {
      if (body != null && newKey == null) {
        // The mock stored something else than it was given: read every collection again.
        collections.clear();
        return;
      }
      for (Collection collection : collections.values()) {
        if (oldKey != null) {
          collection.remove(oldKey);
        }
        if (newKey != null) {
          collection.put(newKey, body);
        }
      }
    }
  }

  /** Forgets every collection, after the mock's map was emptied at once. */
  void forgetAll() {
    synchronized (collections) {
      collections.clear();
    }
  }

  /** One stored version of an object: its key in the mock's map, its JSON and, once read, its parse. */
  private static final class Stored {
    final AttributeSet key;
    final String body;
    HasMetadata parsed;

    Stored(AttributeSet key, String body) {
      this.key = key;
      this.body = body;
    }
  }

  /**
   * The stored objects whose keys match one collection's query, the ones {@code list} used to select
   * by scanning the whole map, sorted by namespace and name when asked. Guarded by {@code collections}.
   */
  private final class Collection {
    private final Class<? extends HasMetadata> type;
    private final AttributeSet query;
    private final Map<AttributeSet, Stored> entries = new HashMap<>();
    private List<Stored> sorted;
    private Map<String, Stored> byName;

    Collection(Class<? extends HasMetadata> type, AttributeSet query) {
      this.type = type;
      this.query = query;
    }

    void put(AttributeSet key, String body) {
      if (!key.matches(query)) {
        return;
      }
      Stored stored = new Stored(key, body);
      entries.put(key, stored);
      sorted = null;
      if (byName != null) {
        // Kept current rather than rebuilt: controllers read one object after another's write.
        stored.parsed = serialization.unmarshal(body, type);
        byName.put(nameKey(stored.parsed.getMetadata()), stored);
      }
    }

    void remove(AttributeSet key) {
      Stored old = entries.remove(key);
      if (old == null) {
        return;
      }
      sorted = null;
      if (byName != null) {
        byName.remove(nameKey(old.parsed.getMetadata()), old);
      }
    }

    List<Stored> sorted() {
      synchronized (collections) {
        if (sorted == null) {
          List<Stored> all = new ArrayList<>(entries.values());
          for (Stored stored : all) {
            if (stored.parsed == null) {
              stored.parsed = serialization.unmarshal(stored.body, type);
            }
          }
          all.sort(
              Comparator.comparing(
                      (Stored s) -> String.valueOf(s.parsed.getMetadata().getNamespace()))
                  .thenComparing(s -> s.parsed.getMetadata().getName()));
          sorted = List.copyOf(all);
        }
        return sorted;
      }
    }

    Map<String, Stored> byName() {
      synchronized (collections) {
        if (byName == null) {
          Map<String, Stored> index = new HashMap<>();
          for (Stored stored : sorted()) {
            index.putIfAbsent(nameKey(stored.parsed.getMetadata()), stored);
          }
          byName = index;
        }
        return byName;
      }
    }
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
    Stored current =
        stored(object.getClass(), object.getMetadata().getNamespace(), object.getMetadata().getName());
    if (current == null) {
      return false;
    }
    JsonNode stored = serialization.unmarshal(current.body, JsonNode.class);
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
    crud.processEvent(path, key, current.key, null, serialization.asJson(object));
    return true;
  }

  /** Removes an object at once; returns whether it existed. */
  boolean remove(HasMetadata object) {
    String path = objectPath(object);
    Stored current =
        stored(object.getClass(), object.getMetadata().getNamespace(), object.getMetadata().getName());
    if (current == null) {
      return false;
    }
    crud.processEvent(path, crud.getKey(path), current.key, null, null);
    return true;
  }
}
