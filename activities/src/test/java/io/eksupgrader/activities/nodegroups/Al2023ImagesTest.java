package io.eksupgrader.activities.nodegroups;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which AL2023 image a replacement group gets, from what the old group says about itself. */
class Al2023ImagesTest {

  @Test
  void amazonLinux2TypesMoveToTheirAl2023CounterpartsAndOthersStay() {
    assertThat(Al2023Images.amiType("AL2_x86_64")).isEqualTo("AL2023_x86_64_STANDARD");
    assertThat(Al2023Images.amiType("AL2_ARM_64")).isEqualTo("AL2023_ARM_64_STANDARD");
    assertThat(Al2023Images.amiType("AL2_x86_64_GPU")).isEqualTo("AL2023_x86_64_NVIDIA");
    assertThat(Al2023Images.amiType("AL2023_ARM_64_STANDARD")).isEqualTo("AL2023_ARM_64_STANDARD");
    assertThat(Al2023Images.amiType("BOTTLEROCKET_x86_64")).isEqualTo("BOTTLEROCKET_x86_64");
  }

  @Test
  void theArchitectureComesFromTheAmiTypeElseFromGravitonInstanceTypes() {
    assertThat(Al2023Images.architecture("AL2_ARM_64", List.of("m5.large"))).isEqualTo("arm64");
    assertThat(Al2023Images.architecture("AL2_x86_64", List.of("m6g.large"))).isEqualTo("x86_64");
    assertThat(Al2023Images.architecture("CUSTOM", List.of("c7gn.xlarge"))).isEqualTo("arm64");
    assertThat(Al2023Images.architecture("CUSTOM", List.of("r8gd.large"))).isEqualTo("arm64");
    assertThat(Al2023Images.architecture("CUSTOM", List.of("a1.medium"))).isEqualTo("arm64");
    assertThat(Al2023Images.architecture("CUSTOM", List.of("g5.xlarge", "m5dn.large"))).isEqualTo("x86_64");
    assertThat(Al2023Images.architecture(null, List.of())).isEqualTo("x86_64");
  }

  @Test
  void theSsmParameterIsTheEksOptimizedAl2023Recommendation() {
    assertThat(Al2023Images.ssmParameter("1.33", "arm64"))
        .isEqualTo("/aws/service/eks/optimized-ami/1.33/amazon-linux-2023/arm64/standard/recommended/image_id");
  }

  @Test
  void theLaunchTemplateTokenIsDerivedFromTheRequestTokenAndFitsEc2sLimit() {
    assertThat(EksNodeGroupActivities.launchTemplateToken("tok-1")).isEqualTo("lt-tok-1");
    String longToken = "eks-upgrade/us-east-1/shop/".repeat(4);
    String derived = EksNodeGroupActivities.launchTemplateToken(longToken);
    assertThat(derived).hasSize(64).startsWith("lt-");
    assertThat(EksNodeGroupActivities.launchTemplateToken(longToken)).isEqualTo(derived);
  }
}
