package org.mtlab.core.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** mtl-core is plain Java: contracts and mathematics, usable from any service and any framework. */
class CoreDependencyRulesTest {
    @Test
    void coreImportsNoFrameworkEngineOrBroker() {
        JavaClasses core = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.mtlab.core");
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("io.quarkus..", "ai.djl..", "org.apache.kafka..", "jakarta..", "io.vertx..",
                        "io.smallrye..", "org.hibernate..")
                .because("mtl-core holds contracts and mathematics only; services adapt it to frameworks")
                .check(core);
    }
}
