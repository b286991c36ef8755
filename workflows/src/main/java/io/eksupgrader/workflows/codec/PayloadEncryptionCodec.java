package io.eksupgrader.workflows.codec;

import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import io.temporal.payload.codec.PayloadCodec;
import io.temporal.payload.codec.PayloadCodecException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts every payload the worker and the CLI send to Temporal with AES-256-GCM, so that inputs,
 * results, statuses and approvals are unreadable in the server's database and in the UI.
 *
 * <p>An encrypted payload has the encoding {@value #ENCODING}; its data is the 12-byte IV followed
 * by the ciphertext and the tag. The id of the key and the original encoding stay in the metadata
 * (and are bound to the ciphertext as associated data, so changing them fails the decryption).
 * Payloads are encrypted with the current key and decrypted with whichever configured key their id
 * names, so a key is rotated by making a new one current and keeping the old one until no open
 * history needs it. A payload without the encrypted encoding passes through untouched: an approval
 * typed into the Temporal UI's "Send Signal" is plain JSON unless a codec server is configured.
 *
 * <p>Only JDK crypto and the Temporal SDK: the worker and the CLI both use this class.
 */
public final class PayloadEncryptionCodec implements PayloadCodec {

  public static final String ENCODING = "binary/encrypted";
  public static final String METADATA_ENCODING = "encoding";
  public static final String METADATA_KEY_ID = "encryption-key-id";
  public static final String METADATA_ORIGINAL_ENCODING = "encryption-original-encoding";

  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final int KEY_BYTES = 32;
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final String currentKeyId;
  private final Map<String, SecretKeySpec> keys;

  private PayloadEncryptionCodec(String currentKeyId, Map<String, SecretKeySpec> keys) {
    this.currentKeyId = currentKeyId;
    this.keys = keys;
  }

  /**
   * A codec that encrypts with {@code currentKeyId} and decrypts with any key of {@code base64Keys}
   * (key id → the base64 text of a 32-byte key; the current key must be among them).
   *
   * @throws IllegalArgumentException naming the key when an id is blank or a key is not base64 of 32 bytes
   */
  public static PayloadEncryptionCodec of(String currentKeyId, Map<String, String> base64Keys) {
    if (currentKeyId == null || currentKeyId.isBlank()) {
      throw new IllegalArgumentException("payload encryption: the current key id is empty");
    }
    if (!base64Keys.containsKey(currentKeyId)) {
      throw new IllegalArgumentException("payload encryption: no key with the current id '" + currentKeyId + "'");
    }
    Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
    base64Keys.forEach(
        (id, text) -> {
          if (id == null || id.isBlank() || id.strip().length() != id.length()) {
            throw new IllegalArgumentException("payload encryption: key id '" + id + "' is blank or has spaces");
          }
          byte[] key;
          try {
            key = Base64.getDecoder().decode(text == null ? "" : text.strip());
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("payload encryption: key '" + id + "' is not base64", e);
          }
          if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException(
                "payload encryption: key '" + id + "' has " + key.length + " bytes; AES-256 needs " + KEY_BYTES
                    + " (make one with: openssl rand -base64 32)");
          }
          keys.put(id, new SecretKeySpec(key, "AES"));
        });
    return new PayloadEncryptionCodec(currentKeyId, Map.copyOf(keys));
  }

  /** The id new payloads are encrypted with. */
  public String currentKeyId() {
    return currentKeyId;
  }

  @Override
  public List<Payload> encode(List<Payload> payloads) {
    List<Payload> encoded = new ArrayList<>(payloads.size());
    for (Payload payload : payloads) {
      encoded.add(encrypt(payload));
    }
    return encoded;
  }

  @Override
  public List<Payload> decode(List<Payload> payloads) {
    List<Payload> decoded = new ArrayList<>(payloads.size());
    for (Payload payload : payloads) {
      decoded.add(isEncrypted(payload) ? decrypt(payload) : payload);
    }
    return decoded;
  }

  /** Whether {@code payload} carries this codec's encoding. */
  public static boolean isEncrypted(Payload payload) {
    ByteString encoding = payload.getMetadataMap().get(METADATA_ENCODING);
    return encoding != null && encoding.toStringUtf8().equals(ENCODING);
  }

  private Payload encrypt(Payload payload) {
    String originalEncoding = text(payload, METADATA_ENCODING);
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      // Without parameters the provider makes a fresh random IV for every encryption.
      cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentKeyId));
      byte[] iv = cipher.getIV();
      if (iv == null || iv.length != IV_BYTES) {
        throw new PayloadCodecException("payload encryption: the JDK's AES/GCM gave no 12-byte IV");
      }
      cipher.updateAAD(associatedData(currentKeyId, originalEncoding));
      byte[] sealed = cipher.doFinal(payload.getData().toByteArray());
      return payload.toBuilder()
          .putMetadata(METADATA_ENCODING, ByteString.copyFromUtf8(ENCODING))
          .putMetadata(METADATA_KEY_ID, ByteString.copyFromUtf8(currentKeyId))
          .putMetadata(METADATA_ORIGINAL_ENCODING, ByteString.copyFromUtf8(originalEncoding))
          .setData(ByteString.copyFrom(iv).concat(ByteString.copyFrom(sealed)))
          .build();
    } catch (GeneralSecurityException e) {
      throw new PayloadCodecException("payload encryption with key '" + currentKeyId + "' failed", e);
    }
  }

  private Payload decrypt(Payload payload) {
    String keyId = text(payload, METADATA_KEY_ID);
    SecretKeySpec key = keys.get(keyId);
    if (key == null) {
      throw new PayloadCodecException(
          "payload is encrypted with key '" + keyId + "', which is not configured (configured: "
              + String.join(", ", keys.keySet()) + ")");
    }
    String originalEncoding = text(payload, METADATA_ORIGINAL_ENCODING);
    byte[] data = payload.getData().toByteArray();
    if (data.length < IV_BYTES + TAG_BITS / 8) {
      throw new PayloadCodecException("encrypted payload with key '" + keyId + "' is too short to be one");
    }
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, data, 0, IV_BYTES));
      cipher.updateAAD(associatedData(keyId, originalEncoding));
      byte[] plain = cipher.doFinal(data, IV_BYTES, data.length - IV_BYTES);
      Payload.Builder builder =
          payload.toBuilder().removeMetadata(METADATA_KEY_ID).removeMetadata(METADATA_ORIGINAL_ENCODING);
      if (originalEncoding.isEmpty()) {
        builder.removeMetadata(METADATA_ENCODING);
      } else {
        builder.putMetadata(METADATA_ENCODING, ByteString.copyFromUtf8(originalEncoding));
      }
      return builder.setData(ByteString.copyFrom(plain)).build();
    } catch (GeneralSecurityException e) {
      // A wrong key or a changed byte both end here: GCM cannot tell them apart.
      throw new PayloadCodecException(
          "encrypted payload does not verify with key '" + keyId + "' (tampered, or a different key under that id)", e);
    }
  }

  private static byte[] associatedData(String keyId, String originalEncoding) {
    return (ENCODING + "\n" + keyId + "\n" + originalEncoding).getBytes(StandardCharsets.UTF_8);
  }

  private static String text(Payload payload, String key) {
    ByteString value = payload.getMetadataMap().get(key);
    return value == null ? "" : value.toStringUtf8();
  }
}
