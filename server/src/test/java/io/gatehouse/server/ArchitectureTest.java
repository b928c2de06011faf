package io.gatehouse.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Dependencies point from protocols to the domain to stores, never back; the domain never sees HTTP or JDBC. */
class ArchitectureTest {
    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.gatehouse");
    }

    @Test
    void domainSeesNoHttpNoJdbcNoStoreImplementations() {
        noClasses()
                .that()
                .resideInAPackage("io.gatehouse.core..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.eclipse.jetty..",
                        "java.sql..",
                        "org.jdbi..",
                        "software.amazon..",
                        "io.gatehouse.storage..",
                        "io.gatehouse.http..",
                        "io.gatehouse.oci..",
                        "io.gatehouse.access..",
                        "io.gatehouse.server..",
                        "com.fasterxml.jackson..")
                .check(classes);
    }

    /** The audit log consumes events and store interfaces; it knows no HTTP, protocol or store implementation. */
    @Test
    void auditKnowsNoHttpNoProtocolNoStoreImplementation() {
        noClasses()
                .that()
                .resideInAPackage("io.gatehouse.audit..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.eclipse.jetty..",
                        "java.sql..",
                        "org.jdbi..",
                        "io.gatehouse.http..",
                        "io.gatehouse.oci..",
                        "io.gatehouse.storage..",
                        "io.gatehouse.server..")
                .check(classes);
    }

    @Test
    void manifestValidationIsFreeOfHttp() {
        noClasses()
                .that()
                .resideInAPackage("io.gatehouse.oci.manifest..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.eclipse.jetty..", "io.gatehouse.http..")
                .check(classes);
    }

    @Test
    void storesDoNotKnowProtocolsOrAccess() {
        noClasses()
                .that()
                .resideInAPackage("io.gatehouse.storage..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.eclipse.jetty..",
                        "io.gatehouse.http..",
                        "io.gatehouse.oci..",
                        "io.gatehouse.access..",
                        "io.gatehouse.server..")
                .check(classes);
    }

    @Test
    void auditKnowsOnlyEventsNotHttpProtocolsStoresOrTheServer() {
        noClasses()
                .that()
                .resideInAPackage("io.gatehouse.audit..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.eclipse.jetty..",
                        "io.gatehouse.http..",
                        "io.gatehouse.oci..",
                        "io.gatehouse.storage..",
                        "io.gatehouse.server..")
                .check(classes);
    }

    @Test
    void accessDoesNotKnowHttpOrProtocols() {
        noClasses()
                .that()
                .resideInAPackage("io.gatehouse.access..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.eclipse.jetty..", "io.gatehouse.http..", "io.gatehouse.oci..", "io.gatehouse.storage..")
                .check(classes);
    }

    /** Audit, alerts and webhooks consume events and store interfaces; they know no HTTP server or store. */
    @Test
    void auditKnowsNoHttpProtocolsOrStores() {
        noClasses()
                .that()
                .resideInAPackage("io.gatehouse.audit..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.eclipse.jetty..",
                        "io.gatehouse.http..",
                        "io.gatehouse.oci..",
                        "io.gatehouse.storage..",
                        "io.gatehouse.server..")
                .check(classes);
    }

    @Test
    void onlyTheCompositionRootKnowsEveryone() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.gatehouse.server..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.gatehouse.server..")
                .check(classes);
    }
}
