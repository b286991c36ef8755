package io.eksupgrader.workflows.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.payload.codec.PayloadCodecException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AES-256-GCM on every payload: what it hides, what it refuses, and what it lets through. */
class PayloadEncryptionCodecTest {

  static final String KEY_1 = key(1);
  static final String KEY_2 = key(2);

  static String key(int seed) {
    byte[] bytes = new byte[32];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (seed * 31 + i);
    }
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static Payload json(String text) {
    return Payload.newBuilder()
        .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
        .setData(ByteString.copyFromUtf8(text))
        .build();
  }

  private static Payload only(List<Payload> payloads) {
    assertThat(payloads).hasSize(1);
    return payloads.get(0);
  }

  @Test
  void aPayloadRoundTripsAndIsUnreadableInBetween() {
    PayloadEncryptionCodec codec = PayloadEncryptionCodec.of("2026-12", Map.of("2026-12", KEY_1));
    Payload plain = json("{\"gate\":\"control-plane-1.33\",\"by\":\"alice\"}");

    Payload sealed = only(codec.encode(List.of(plain)));

    assertThat(sealed.getMetadataOrThrow("encoding").toStringUtf8()).isEqualTo("binary/encrypted");
    assertThat(sealed.getMetadataOrThrow("encryption-key-id").toStringUtf8()).isEqualTo("2026-12");
    assertThat(sealed.getMetadataOrThrow("encryption-original-encoding").toStringUtf8()).isEqualTo("json/plain");
    assertThat(sealed.getData().toStringUtf8()).doesNotContain("gate").doesNotContain("alice");
    assertThat(only(codec.encode(List.of(plain))).getData())
        .as("a fresh IV each time: equal inputs do not give equal ciphertexts")
        .isNotEqualTo(sealed.getData());
    assertThat(only(codec.decode(List.of(sealed)))).isEqualTo(plain);
  }

  @Test
  void aPayloadWithoutEncodingComesBackWithoutOne() {
    PayloadEncryptionCodec codec = PayloadEncryptionCodec.of("k1", Map.of("k1", KEY_1));
    Payload bare = Payload.newBuilder().setData(ByteString.copyFromUtf8("x")).build();

    assertThat(only(codec.decode(codec.encode(List.of(bare))))).isEqualTo(bare);
  }

  @Test
  void aFlippedByteAnywhereInTheDataFailsTheDecryption() {
    PayloadEncryptionCodec codec = PayloadEncryptionCodec.of("k1", Map.of("k1", KEY_1));
    Payload sealed = only(codec.encode(List.of(json("{\"approved\":false}"))));
    byte[] data = sealed.getData().toByteArray();

    for (int i = 0; i < data.length; i++) {
      byte[] tampered = data.clone();
      tampered[i] ^= 0x01;
      Payload changed = sealed.toBuilder().setData(ByteString.copyFrom(tampered)).build();
      assertThatThrownBy(() -> codec.decode(List.of(changed)))
          .as("byte %d flipped", i)
          .isInstanceOf(PayloadCodecException.class)
          .hasMessageContaining("does not verify with key 'k1'");
    }
  }

  @Test
  void aChangedOriginalEncodingInTheMetadataFailsTheDecryption() {
    PayloadEncryptionCodec codec = PayloadEncryptionCodec.of("k1", Map.of("k1", KEY_1));
    Payload sealed = only(codec.encode(List.of(json("{}"))));
    Payload relabelled =
        sealed.toBuilder().putMetadata("encryption-original-encoding", ByteString.copyFromUtf8("binary/plain")).build();

    assertThatThrownBy(() -> codec.decode(List.of(relabelled))).isInstanceOf(PayloadCodecException.class);
  }

  @Test
  void aPayloadUnderAnUnknownKeyIdIsRefusedNamingTheId() {
    PayloadEncryptionCodec writer = PayloadEncryptionCodec.of("k9", Map.of("k9", KEY_2));
    PayloadEncryptionCodec reader = PayloadEncryptionCodec.of("k1", Map.of("k1", KEY_1));
    Payload sealed = only(writer.encode(List.of(json("{}"))));

    assertThatThrownBy(() -> reader.decode(List.of(sealed)))
        .isInstanceOf(PayloadCodecException.class)
        .hasMessageContaining("key 'k9', which is not configured (configured: k1)");
  }

  @Test
  void aDifferentKeyUnderTheSameIdIsRefused() {
    PayloadEncryptionCodec writer = PayloadEncryptionCodec.of("k1", Map.of("k1", KEY_2));
    PayloadEncryptionCodec reader = PayloadEncryptionCodec.of("k1", Map.of("k1", KEY_1));
    Payload sealed = only(writer.encode(List.of(json("{}"))));

    assertThatThrownBy(() -> reader.decode(List.of(sealed)))
        .isInstanceOf(PayloadCodecException.class)
        .hasMessageContaining("does not verify with key 'k1'");
  }

  @Test
  void aPlaintextPayloadFromTheTemporalUiPassesThrough() {
    PayloadEncryptionCodec codec = PayloadEncryptionCodec.of("k1", Map.of("k1", KEY_1));
    Payload typedInTheUi = json("{\"gate\":\"data-plane\",\"by\":\"bob\"}");

    assertThat(only(codec.decode(List.of(typedInTheUi)))).isSameAs(typedInTheUi);

    CodecDataConverter converter =
        new CodecDataConverter(DefaultDataConverter.newDefaultInstance(), List.of(codec));
    @SuppressWarnings("unchecked")
    Map<String, String> approval = converter.fromPayload(typedInTheUi, Map.class, Map.class);
    assertThat(approval).containsEntry("gate", "data-plane").containsEntry("by", "bob");
  }

  @Test
  void afterARotationOldPayloadsStillDecodeAndNewOnesUseTheNewKey() {
    PayloadEncryptionCodec before = PayloadEncryptionCodec.of("2026-11", Map.of("2026-11", KEY_1));
    Payload old = only(before.encode(List.of(json("\"written before the rotation\""))));

    PayloadEncryptionCodec after =
        PayloadEncryptionCodec.of("2026-12", Map.of("2026-12", KEY_2, "2026-11", KEY_1));
    Payload fresh = only(after.encode(List.of(json("\"written after\""))));

    assertThat(only(after.decode(List.of(old))).getData().toString(StandardCharsets.UTF_8))
        .isEqualTo("\"written before the rotation\"");
    assertThat(fresh.getMetadataOrThrow("encryption-key-id").toStringUtf8()).isEqualTo("2026-12");
    assertThatThrownBy(() -> before.decode(List.of(fresh)))
        .as("a worker still on the old configuration cannot read the new key's payloads")
        .hasMessageContaining("key '2026-12', which is not configured");
  }

  @Test
  void badKeysAreRefusedNamingTheKey() {
    assertThatThrownBy(() -> PayloadEncryptionCodec.of("k1", Map.of("k1", "not base64!")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key 'k1' is not base64");
    assertThatThrownBy(
            () -> PayloadEncryptionCodec.of("k1", Map.of("k1", Base64.getEncoder().encodeToString(new byte[16]))))
        .hasMessageContaining("key 'k1' has 16 bytes; AES-256 needs 32");
    assertThatThrownBy(() -> PayloadEncryptionCodec.of("k2", Map.of("k1", KEY_1)))
        .hasMessageContaining("no key with the current id 'k2'");
    assertThatThrownBy(() -> PayloadEncryptionCodec.of(" ", Map.of(" ", KEY_1)))
        .hasMessageContaining("current key id is empty");
  }
}
