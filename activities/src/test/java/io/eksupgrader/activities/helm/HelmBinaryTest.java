package io.eksupgrader.activities.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code helm} binary path, with a stand-in script in place of helm (none is installed here):
 * the command line it gets, and Helm's own words when it fails.
 */
class HelmBinaryTest {

  @TempDir Path dir;

  private Path helm(String body) throws Exception {
    Path script = dir.resolve("helm");
    Files.writeString(script, "#!/bin/sh\necho \"$@\" > \"" + dir.resolve("args") + "\"\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  @Test
  void aRepositoryChartIsPassedWithRepoAndVersionAndTheReleasesValuesAreKept() throws Exception {
    HelmBinary binary = new HelmBinary(helm("echo 'Release \"istiod-1-27\" has been upgraded.'"), true, 30);
    HelmInvocation invocation =
        new HelmInvocation(
            "istiod-1-27",
            "istio-system",
            ChartReference.resolve("https://istio-release.storage.googleapis.com/charts", "istiod", "1.27.0"),
            dir.resolve("kubeconfig"),
            null,
            new TreeMap<>(Map.of("revision", "1-27")),
            true,
            "canary");

    assertThat(binary.upgrade(invocation)).isEqualTo("Release \"istiod-1-27\" has been upgraded.");
    assertThat(Files.readString(dir.resolve("args")).trim())
        .isEqualTo(
            "upgrade istiod-1-27 istiod --version 1.27.0 --repo https://istio-release.storage.googleapis.com/charts"
                + " --namespace istio-system --kubeconfig " + dir.resolve("kubeconfig")
                + " --install --reset-then-reuse-values --set revision=1-27 --description canary");
  }

  @Test
  void anOciChartWithValuesToRestoreAndWithoutValidation() throws Exception {
    HelmBinary binary = new HelmBinary(helm("exit 0"), false, 30);
    binary.upgrade(
        new HelmInvocation(
            "karpenter",
            "kube-system",
            ChartReference.resolve("oci://public.ecr.aws/karpenter", "karpenter", "1.0.2"),
            dir.resolve("kubeconfig"),
            dir.resolve("values.json"),
            Map.of(),
            false,
            "Rollback to 1"));

    assertThat(Files.readString(dir.resolve("args")).trim())
        .isEqualTo(
            "upgrade karpenter oci://public.ecr.aws/karpenter/karpenter --version 1.0.2 --namespace kube-system --kubeconfig "
                + dir.resolve("kubeconfig") + " --reset-values -f " + dir.resolve("values.json")
                + " --disable-openapi-validation --description Rollback to 1");
  }

  @Test
  void helmsOwnWordsComeBackAndOnlyConnectionTroubleCountsAsTransient() throws Exception {
    HelmBinary busy =
        new HelmBinary(helm("echo 'Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress' >&2; exit 1"), true, 30);
    HelmException refused = catchThrowableOfType(HelmException.class, () -> busy.uninstall("web", "shop", dir.resolve("kubeconfig")));
    assertThat(refused.getMessage()).isEqualTo("Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress");
    assertThat(refused.transientFailure()).isFalse();
    assertThat(Files.readString(dir.resolve("args")).trim()).isEqualTo("uninstall web --namespace shop --kubeconfig " + dir.resolve("kubeconfig"));

    HelmBinary unreachable =
        new HelmBinary(helm("echo 'Error: Kubernetes cluster unreachable: dial tcp 10.0.0.1:443: i/o timeout'; exit 1"), true, 30);
    assertThat(catchThrowableOfType(HelmException.class, () -> unreachable.uninstall("web", "shop", dir.resolve("k"))).transientFailure())
        .isTrue();
  }
}
