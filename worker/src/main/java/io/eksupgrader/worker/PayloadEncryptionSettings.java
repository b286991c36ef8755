package io.eksupgrader.worker;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code eks-upgrader.temporal.payload-encryption.*}: the AES-256 keys that encrypt what the worker
 * sends to Temporal. Off while {@code key-file} is empty.
 */
@ConfigurationProperties("eks-upgrader.temporal.payload-encryption")
public class PayloadEncryptionSettings {

  private String keyFile = "";
  private String keyId = "primary";
  private Map<String, String> previousKeyFiles = new LinkedHashMap<>();

  /** A file (a mounted Secret) holding the base64 text of the current 32-byte key; empty: no encryption. */
  public String getKeyFile() {
    return keyFile;
  }

  public void setKeyFile(String keyFile) {
    this.keyFile = keyFile == null ? "" : keyFile;
  }

  /** The id stored with every payload the current key encrypts. A new key needs a new id. */
  public String getKeyId() {
    return keyId;
  }

  public void setKeyId(String keyId) {
    this.keyId = keyId == null ? "" : keyId;
  }

  /** Older keys, id → file, kept to decrypt the histories they wrote; never used to encrypt. */
  public Map<String, String> getPreviousKeyFiles() {
    return previousKeyFiles;
  }

  public void setPreviousKeyFiles(Map<String, String> previousKeyFiles) {
    this.previousKeyFiles = previousKeyFiles == null ? new LinkedHashMap<>() : new LinkedHashMap<>(previousKeyFiles);
  }
}
