package io.eksupgrader.activities.preflight;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The objects of a rendered manifest, such as the one Helm stores with each release: YAML documents
 * separated by lines of {@code ---}, each preceded by Helm's {@code # Source: <chart>/templates/…}
 * comment. Documents that are empty, only comments, not YAML or without apiVersion and kind are
 * left out: they create no object. Pure.
 */
final class ManifestDocuments {

  /**
   * One object of the manifest.
   *
   * @param namespace null when the document names none (the release's namespace, or cluster-scoped)
   * @param source the template it came from, or null
   */
  record Document(String apiVersion, String kind, String name, String namespace, String source) {}

  private static final Pattern SEPARATOR = Pattern.compile("(?m)^---[ \\t]*(#.*)?$");
  private static final Pattern SOURCE = Pattern.compile("(?m)^#\\s*Source:\\s*(\\S.*?)\\s*$");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ManifestDocuments() {}

  static List<Document> parse(String manifest) {
    List<Document> documents = new ArrayList<>();
    if (manifest == null || manifest.isBlank()) {
      return documents;
    }
    for (String text : SEPARATOR.split(manifest)) {
      JsonNode node;
      try {
        node = YAML.readTree(text);
      } catch (IOException e) {
        continue;
      }
      if (node == null || !node.isObject() || !node.hasNonNull("apiVersion") || !node.hasNonNull("kind")) {
        continue;
      }
      Matcher source = SOURCE.matcher(text);
      JsonNode metadata = node.path("metadata");
      documents.add(
          new Document(
              node.path("apiVersion").asText(),
              node.path("kind").asText(),
              metadata.path("name").asText(null),
              metadata.hasNonNull("namespace") ? metadata.path("namespace").asText() : null,
              source.find() ? source.group(1) : null));
    }
    return documents;
  }
}
