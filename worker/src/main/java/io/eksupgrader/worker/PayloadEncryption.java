package io.eksupgrader.worker;

import io.eksupgrader.workflows.codec.PayloadEncryptionCodec;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds the worker's payload codec from its settings; a bad key stops the worker naming its key. */
final class PayloadEncryption {

  static final String PREFIX = "eks-upgrader.temporal.payload-encryption.";

  private PayloadEncryption() {}

  /** Empty when {@code key-file} is empty. */
  static Optional<PayloadEncryptionCodec> codec(PayloadEncryptionSettings settings) {
    if (settings.getKeyFile().isBlank()) {
      if (!settings.getPreviousKeyFiles().isEmpty()) {
        throw new IllegalStateException(
            PREFIX + "previous-key-files is set but " + PREFIX + "key-file is empty: set the current key too");
      }
      return Optional.empty();
    }
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put(settings.getKeyId(), read(PREFIX + "key-file", settings.getKeyFile()));
    settings
        .getPreviousKeyFiles()
        .forEach(
            (id, file) -> {
              if (id.equals(settings.getKeyId())) {
                throw new IllegalStateException(
                    PREFIX + "previous-key-files." + id + ": the same id as " + PREFIX + "key-id");
              }
              keys.put(id, read(PREFIX + "previous-key-files." + id, file));
            });
    try {
      return Optional.of(PayloadEncryptionCodec.of(settings.getKeyId(), keys));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(PREFIX + "*: " + e.getMessage(), e);
    }
  }

  /** The SDK's default converter, wrapped in the codec when there is one. */
  static DataConverter dataConverter(Optional<PayloadEncryptionCodec> codec) {
    return codec
        .<DataConverter>map(c -> new CodecDataConverter(DefaultDataConverter.newDefaultInstance(), List.of(c)))
        .orElseGet(DefaultDataConverter::newDefaultInstance);
  }

  private static String read(String configKey, String file) {
    try {
      return Files.readString(Path.of(file), StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw new IllegalStateException(configKey + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")", e);
    }
  }
}
