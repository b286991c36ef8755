package io.eksupgrader.cli;

/**
 * A command that can answer with one JSON document on stdout. Its failures are then JSON too
 * (see {@link EksUpgraderCommand}), with the same exit codes as in text.
 */
interface JsonOutput {

  boolean json();
}
