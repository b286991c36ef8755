package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eksupgrader.workflows.codec.PayloadEncryptionCodec;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI reads and writes payloads with the worker's keys when given them, so status and approve still work. */
class PayloadKeyOptionsTest {

  @TempDir Path dir;

  private Path key(String name, int bytes) throws Exception {
    byte[] key = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      key[i] = (byte) (i + name.length());
    }
    return Files.writeString(dir.resolve(name), Base64.getEncoder().encodeToString(key));
  }

  private static TemporalOptions parse(String... args) {
    TemporalOptions options = new TemporalOptions();
    new CommandLine(options).parseArgs(args);
    return options;
  }

  @Test
  void withoutAKeyTheCliSpeaksPlainJson() {
    TemporalOptions options = parse();
    assertThat(options.payloadCodec()).isEmpty();
    assertThat(options.clientOptions().getDataConverter()).as("the SDK's default converter").isNull();
  }

  @Test
  void withTheWorkersKeysTheCliEncryptsWithTheCurrentOneAndReadsTheOldOnes() throws Exception {
    Path old = key("old", 32);
    TemporalOptions before = parse("--payload-key-file", old.toString(), "--payload-key-id", "2026-11");
    Payload written = before.clientOptions().getDataConverter().toPayload("an old status").orElseThrow();

    TemporalOptions after =
        parse(
            "--payload-key-file", key("current", 32).toString(),
            "--payload-key-id", "2026-12",
            "--payload-previous-key", "2026-11=" + old);
    DataConverter converter = after.clientOptions().getDataConverter();

    Payload approval = converter.toPayload(Map.of("gate", "data-plane")).orElseThrow();
    assertThat(PayloadEncryptionCodec.isEncrypted(approval)).isTrue();
    assertThat(approval.getMetadataOrThrow("encryption-key-id").toStringUtf8()).isEqualTo("2026-12");
    assertThat(converter.fromPayload(written, String.class, String.class)).isEqualTo("an old status");
  }

  @Test
  void aBadKeyIsRefusedNamingTheOption() throws Exception {
    TemporalOptions shortKey = parse("--payload-key-file", key("short", 16).toString());
    assertThatThrownBy(shortKey::clientOptions)
        .isInstanceOf(CliFailure.class)
        .hasMessageContaining("--payload-key-file: payload encryption: key 'primary' has 16 bytes");

    TemporalOptions missing = parse("--payload-key-file", dir.resolve("nope").toString());
    assertThatThrownBy(missing::clientOptions).hasMessageContaining("--payload-key-file: cannot read");
  }
}
