package io.eksupgrader.workflows.model;

/**
 * The payload of {@code approve} and {@code reject}: {@code {"gate":"control-plane-1.33",
 * "by":"alice","comment":"ok"}}.
 *
 * @param by who approves, as the sender claims
 * @param identity the client's own identity (the CLI's OS user at its host, or its configured
 *     identity); null from the Temporal UI, whose signals carry theirs in the history event only
 */
public record Approval(String gate, String by, String comment, String identity) {

  public Approval(String gate, String by, String comment) {
    this(gate, by, comment, null);
  }
}
