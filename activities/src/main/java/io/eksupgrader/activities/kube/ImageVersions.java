package io.eksupgrader.activities.kube;

/** The version a container image's tag names: {@code registry/controller:1.0.2@sha256:…} gives 1.0.2. */
public final class ImageVersions {

  private ImageVersions() {}

  /** The tag without a leading v, or null when the image has no tag. */
  public static String of(String image) {
    if (image == null) {
      return null;
    }
    String name = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    int slash = name.lastIndexOf('/');
    int colon = name.lastIndexOf(':');
    if (colon <= slash) {
      return null;
    }
    String tag = name.substring(colon + 1);
    return tag.startsWith("v") ? tag.substring(1) : tag;
  }
}
