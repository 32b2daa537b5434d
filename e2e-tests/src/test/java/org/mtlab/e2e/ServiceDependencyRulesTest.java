package org.mtlab.e2e;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Services talk only through Kafka (and the gateway's reads over REST or the database): no service module depends on
 * another, neither in its build nor in its compiled code.
 */
class ServiceDependencyRulesTest {
    static final Map<String, String> SERVICES = Map.of(
            "gateway", "org.mtlab.gateway..",
            "analysis-service", "org.mtlab.analysis..",
            "trainer-service", "org.mtlab.trainer..");
    static final Path REPO = Path.of(System.getProperty("mtlab.repo", "..")).toAbsolutePath().normalize();

    @Test
    void noServiceDependsOnAnotherInItsPom() throws Exception {
        for (String service : SERVICES.keySet()) {
            var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(REPO.resolve(service).resolve("pom.xml").toFile());
            NodeList artifacts = pom.getElementsByTagName("artifactId");
            for (int i = 0; i < artifacts.getLength(); i++) {
                Element artifact = (Element) artifacts.item(i);
                if (artifact.getParentNode().getNodeName().equals("dependency")) {
                    String name = artifact.getTextContent().trim();
                    assertTrue(!SERVICES.containsKey(name), service + " depends on " + name);
                }
            }
        }
    }

    @Test
    void noServiceCodeReferencesAnotherService() {
        for (var service : SERVICES.entrySet()) {
            Path classes = REPO.resolve(service.getKey()).resolve("target/classes");
            assertTrue(Files.isDirectory(classes), "build " + service.getKey() + " first");
            JavaClasses imported = new ClassFileImporter().importPath(classes);
            assertTrue(imported.size() > 3, "found the classes of " + service.getKey());
            String[] others = SERVICES.entrySet().stream().filter(e -> !e.getKey().equals(service.getKey()))
                    .map(Map.Entry::getValue).toArray(String[]::new);
            noClasses().should().dependOnClassesThat().resideInAnyPackage(others)
                    .because("services communicate through Kafka contracts in mtl-core, not through each other's code")
                    .check(imported);
        }
        assertEquals(List.of("analysis-service", "gateway", "trainer-service"), SERVICES.keySet().stream().sorted().toList());
    }
}
