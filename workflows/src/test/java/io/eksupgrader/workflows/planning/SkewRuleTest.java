package io.eksupgrader.workflows.planning;

import static org.assertj.core.api.Assertions.assertThat;

import io.eksupgrader.workflows.model.KubernetesVersion;
import org.junit.jupiter.api.Test;

/** The kubelet skew of seed 000: two minors up to 1.27, three from 1.28, never ahead. */
class SkewRuleTest {

  private static KubernetesVersion v(String text) {
    return KubernetesVersion.parse(text);
  }

  @Test
  void theLagAllowedGrowsFromTwoToThreeAt128() {
    assertThat(SkewRule.maxLag(v("1.25"))).isEqualTo(2);
    assertThat(SkewRule.maxLag(v("1.27"))).isEqualTo(2);
    assertThat(SkewRule.maxLag(v("1.28"))).isEqualTo(3);
    assertThat(SkewRule.maxLag(v("1.34"))).isEqualTo(3);
  }

  @Test
  void upTo127AKubeletMayBeTwoMinorsBehindButNotThree() {
    assertThat(SkewRule.allows(v("1.27"), v("1.25"))).isTrue();
    assertThat(SkewRule.allows(v("1.27"), v("1.24"))).isFalse();
  }

  @Test
  void from128AKubeletMayBeThreeMinorsBehindButNotFour() {
    assertThat(SkewRule.allows(v("1.28"), v("1.25"))).as("three behind 1.28").isTrue();
    assertThat(SkewRule.allows(v("1.34"), v("1.31"))).isTrue();
    assertThat(SkewRule.allows(v("1.34"), v("1.30"))).isFalse();
  }

  @Test
  void aKubeletNeverRunsAheadOfTheControlPlaneNorAcrossMajors() {
    assertThat(SkewRule.allows(v("1.33"), v("1.33"))).isTrue();
    assertThat(SkewRule.allows(v("1.33"), v("1.34"))).isFalse();
    assertThat(SkewRule.allows(v("2.0"), v("1.34"))).isFalse();
  }
}
