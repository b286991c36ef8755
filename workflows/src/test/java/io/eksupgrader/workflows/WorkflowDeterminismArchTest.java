package io.eksupgrader.workflows;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * Workflow code is replayed: anything that reads the outside world or a clock would make a replay
 * differ from the recorded history. These rules fail the build when such code sneaks in.
 */
class WorkflowDeterminismArchTest {

  private static final JavaClasses PRODUCTION =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.eksupgrader.workflows");

  @Test
  void workflowsModuleTouchesNoAwsKubernetesOrIo() {
    ArchRule rule =
        noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "software.amazon..", "io.fabric8..", "java.io..", "java.net..", "java.nio.file..", "java.util.concurrent..")
            .because("the workflows module is pure orchestration; I/O lives in activities");
    rule.check(PRODUCTION);
  }

  @Test
  void workflowCodeUsesNoClockThreadOrRandom() {
    ArchRule rule =
        noClasses()
            .should()
            .callMethodWhere(
                com.tngtech.archunit.base.DescribedPredicate.describe(
                    "a wall-clock read (now(), currentTimeMillis(), nanoTime())",
                    call ->
                        (call.getTarget().getName().equals("now")
                                && call.getTarget().getOwner().getPackageName().startsWith("java.time"))
                            || ((call.getTarget().getName().equals("currentTimeMillis")
                                    || call.getTarget().getName().equals("nanoTime"))
                                && call.getTarget().getOwner().isEquivalentTo(System.class))))
            .orShould()
            .dependOnClassesThat()
            .areAssignableTo(Thread.class)
            .orShould()
            .dependOnClassesThat()
            .areAssignableTo(java.util.Random.class)
            .because("workflow code reads time and randomness only through Workflow.*");
    rule.check(PRODUCTION);
  }
}
