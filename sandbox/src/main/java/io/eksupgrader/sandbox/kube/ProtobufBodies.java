package io.eksupgrader.sandbox.kube;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Reads bodies sent in the Kubernetes protobuf encoding ({@code Content-Type:
 * application/vnd.kubernetes.protobuf}), which client-go's typed clients, and so Helm's release
 * storage, use for built-in kinds: the Secrets it writes and the DeleteOptions of its deletes. The
 * CRUD mock understands only JSON and YAML, so the API server turns such a body into the JSON
 * object it stands for.
 *
 * <p>The body is the 4 bytes {@code k8s\0} and then a {@code runtime.Unknown} message: field 1
 * typeMeta (1 apiVersion, 2 kind), field 2 raw (the object's own message). Of a Secret (1 metadata,
 * 2 data, 3 type, 4 stringData, 5 immutable) and its ObjectMeta (1 name, 2 generateName, 3
 * namespace, 5 uid, 6 resourceVersion, 7 generation, 8 creationTimestamp, 11 labels, 12
 * annotations, 14 finalizers), and of DeleteOptions (1 gracePeriodSeconds, 2 preconditions {1 uid,
 * 2 resourceVersion}, 3 orphanDependents, 4 propagationPolicy, 5 dryRun) those fields are kept; the
 * API server sets or ignores the others. Field numbers are those of {@code
 * k8s.io/api/core/v1/generated.proto} and {@code k8s.io/apimachinery/pkg/apis/meta/v1}.
 */
final class ProtobufBodies {

  static final String CONTENT_TYPE = "application/vnd.kubernetes.protobuf";

  private static final byte[] MAGIC = {'k', '8', 's', 0};

  private ProtobufBodies() {}

  static boolean isProtobuf(String contentType) {
    return contentType != null && contentType.startsWith(CONTENT_TYPE);
  }

  /**
   * The Secret or DeleteOptions a protobuf body holds, as JSON; empty when it holds another kind.
   *
   * @throws IllegalArgumentException when the body is not the Kubernetes protobuf envelope
   */
  static Optional<ObjectNode> toJson(byte[] body) {
    if (body.length < MAGIC.length
        || body[0] != MAGIC[0]
        || body[1] != MAGIC[1]
        || body[2] != MAGIC[2]
        || body[3] != MAGIC[3]) {
      throw new IllegalArgumentException(
          "the body does not start with the protobuf envelope k8s\\0");
    }
    Fields unknown = new Fields(body, MAGIC.length, body.length);
    String apiVersion = "";
    String kind = "";
    byte[] raw = null;
    while (unknown.more()) {
      int tag = unknown.tag();
      switch (tag >>> 3) {
        case 1 -> {
          Fields typeMeta = unknown.message();
          while (typeMeta.more()) {
            int t = typeMeta.tag();
            switch (t >>> 3) {
              case 1 -> apiVersion = typeMeta.string();
              case 2 -> kind = typeMeta.string();
              default -> typeMeta.skip(t);
            }
          }
        }
        case 2 -> raw = unknown.bytes();
        default -> unknown.skip(tag);
      }
    }
    if (raw == null) {
      return Optional.empty();
    }
    return switch (kind) {
      case "Secret" -> Optional.of(secret(apiVersion, raw));
      case "DeleteOptions" -> Optional.of(deleteOptions(raw));
      default -> Optional.empty();
    };
  }

  private static ObjectNode secret(String apiVersion, byte[] raw) {
    ObjectNode secret = JsonNodeFactory.instance.objectNode();
    secret.put("apiVersion", apiVersion.isEmpty() ? "v1" : apiVersion);
    secret.put("kind", "Secret");
    Fields fields = new Fields(raw, 0, raw.length);
    while (fields.more()) {
      int tag = fields.tag();
      switch (tag >>> 3) {
        case 1 -> secret.set("metadata", objectMeta(fields.message()));
        case 2 -> {
          Entry e = Entry.read(fields.message());
          object(secret, "data").put(e.key(), Base64.getEncoder().encodeToString(e.value()));
        }
        case 3 -> secret.put("type", fields.string());
        case 4 -> {
          Entry e = Entry.read(fields.message());
          object(secret, "stringData").put(e.key(), e.text());
        }
        case 5 -> secret.put("immutable", fields.varint() != 0);
        default -> fields.skip(tag);
      }
    }
    return secret;
  }

  private static ObjectNode deleteOptions(byte[] raw) {
    ObjectNode options = JsonNodeFactory.instance.objectNode();
    options.put("apiVersion", "v1");
    options.put("kind", "DeleteOptions");
    Fields fields = new Fields(raw, 0, raw.length);
    while (fields.more()) {
      int tag = fields.tag();
      switch (tag >>> 3) {
        case 1 -> options.put("gracePeriodSeconds", fields.varint());
        case 2 -> {
          Fields preconditions = fields.message();
          ObjectNode p = object(options, "preconditions");
          while (preconditions.more()) {
            int t = preconditions.tag();
            switch (t >>> 3) {
              case 1 -> p.put("uid", preconditions.string());
              case 2 -> p.put("resourceVersion", preconditions.string());
              default -> preconditions.skip(t);
            }
          }
        }
        case 3 -> options.put("orphanDependents", fields.varint() != 0);
        case 4 -> options.put("propagationPolicy", fields.string());
        case 5 -> {
          ArrayNode dryRun =
              options.has("dryRun")
                  ? (ArrayNode) options.get("dryRun")
                  : options.putArray("dryRun");
          dryRun.add(fields.string());
        }
        default -> fields.skip(tag);
      }
    }
    return options;
  }

  private static ObjectNode objectMeta(Fields fields) {
    ObjectNode meta = JsonNodeFactory.instance.objectNode();
    while (fields.more()) {
      int tag = fields.tag();
      switch (tag >>> 3) {
        case 1 -> meta.put("name", fields.string());
        case 2 -> meta.put("generateName", fields.string());
        case 3 -> meta.put("namespace", fields.string());
        case 5 -> meta.put("uid", fields.string());
        case 6 -> meta.put("resourceVersion", fields.string());
        case 7 -> meta.put("generation", fields.varint());
        case 8 -> {
          // metav1.Time: 1 seconds, 2 nanos; a zero time is "not set".
          Fields time = fields.message();
          long seconds = 0;
          while (time.more()) {
            int t = time.tag();
            if (t >>> 3 == 1) {
              seconds = time.varint();
            } else {
              time.skip(t);
            }
          }
          if (seconds != 0) {
            meta.put("creationTimestamp", Instant.ofEpochSecond(seconds).toString());
          }
        }
        case 11 -> {
          Entry e = Entry.read(fields.message());
          object(meta, "labels").put(e.key(), e.text());
        }
        case 12 -> {
          Entry e = Entry.read(fields.message());
          object(meta, "annotations").put(e.key(), e.text());
        }
        case 14 -> {
          ArrayNode finalizers =
              meta.has("finalizers")
                  ? (ArrayNode) meta.get("finalizers")
                  : meta.putArray("finalizers");
          finalizers.add(fields.string());
        }
        default -> fields.skip(tag);
      }
    }
    return meta;
  }

  private static ObjectNode object(ObjectNode parent, String field) {
    return parent.has(field) ? (ObjectNode) parent.get(field) : parent.putObject(field);
  }

  /** A protobuf map entry: 1 key, 2 value. */
  private record Entry(String key, byte[] value) {
    static Entry read(Fields fields) {
      String key = "";
      byte[] value = new byte[0];
      while (fields.more()) {
        int tag = fields.tag();
        switch (tag >>> 3) {
          case 1 -> key = fields.string();
          case 2 -> value = fields.bytes();
          default -> fields.skip(tag);
        }
      }
      return new Entry(key, value);
    }

    String text() {
      return new String(value, StandardCharsets.UTF_8);
    }
  }

  /** The fields of one protobuf message, read in order. */
  private static final class Fields {
    private final byte[] bytes;
    private final int end;
    private int position;

    Fields(byte[] bytes, int from, int to) {
      this.bytes = bytes;
      this.position = from;
      this.end = to;
    }

    boolean more() {
      return position < end;
    }

    int tag() {
      return (int) varint();
    }

    long varint() {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte b = next();
        value |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return value;
        }
      }
      throw new IllegalArgumentException("a protobuf varint longer than 10 bytes");
    }

    byte[] bytes() {
      int length = length();
      byte[] out = new byte[length];
      System.arraycopy(bytes, position, out, 0, length);
      position += length;
      return out;
    }

    String string() {
      return new String(bytes(), StandardCharsets.UTF_8);
    }

    Fields message() {
      int length = length();
      Fields inner = new Fields(bytes, position, position + length);
      position += length;
      return inner;
    }

    void skip(int tag) {
      switch (tag & 7) {
        case 0 -> varint();
        case 1 -> advance(8);
        case 2 -> advance(length());
        case 5 -> advance(4);
        default -> throw new IllegalArgumentException("protobuf wire type " + (tag & 7));
      }
    }

    private int length() {
      long length = varint();
      if (length < 0 || length > end - position) {
        throw new IllegalArgumentException("a protobuf field runs past its message");
      }
      return (int) length;
    }

    private void advance(int n) {
      if (n > end - position) {
        throw new IllegalArgumentException("a protobuf field runs past its message");
      }
      position += n;
    }

    private byte next() {
      if (position >= end) {
        throw new IllegalArgumentException("a protobuf message ends inside a field");
      }
      return bytes[position++];
    }
  }
}
