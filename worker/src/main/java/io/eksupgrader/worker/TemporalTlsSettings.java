package io.eksupgrader.worker;

import io.micronaut.context.annotation.ConfigurationProperties;

/**
 * {@code eks-upgrader.temporal.tls.*}: TLS to the Temporal frontend, and the client certificate
 * for mTLS. The files are PEM, usually mounted from a Kubernetes Secret; they are read once, when
 * the worker starts.
 */
@ConfigurationProperties("eks-upgrader.temporal.tls")
public class TemporalTlsSettings {

  private boolean enabled;
  private String certFile = "";
  private String keyFile = "";
  private String caFile = "";
  private String serverName = "";

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** The client certificate (chain), PEM; with {@link #getKeyFile()} it makes the connection mTLS. */
  public String getCertFile() {
    return certFile;
  }

  public void setCertFile(String certFile) {
    this.certFile = certFile == null ? "" : certFile;
  }

  /** The client certificate's private key, unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}). */
  public String getKeyFile() {
    return keyFile;
  }

  public void setKeyFile(String keyFile) {
    this.keyFile = keyFile == null ? "" : keyFile;
  }

  /** CA certificates (PEM) the server's certificate must chain to; empty: the JVM's trust store. */
  public String getCaFile() {
    return caFile;
  }

  public void setCaFile(String caFile) {
    this.caFile = caFile == null ? "" : caFile;
  }

  /** The name the server's certificate is checked against, and sent as SNI; empty: the target's host. */
  public String getServerName() {
    return serverName;
  }

  public void setServerName(String serverName) {
    this.serverName = serverName == null ? "" : serverName;
  }
}
