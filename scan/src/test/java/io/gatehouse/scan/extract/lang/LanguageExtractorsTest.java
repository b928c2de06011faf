package io.gatehouse.scan.extract.lang;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.scan.sbom.Extractor;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LanguageExtractorsTest {
    @Test
    void eachFileKindGoesToItsExtractorOnly() {
        var examples = Map.of(
                "/app/app.jar", "java-archive",
                "/app/node_modules/lodash/package.json", "npm",
                "/usr/lib/python3/site-packages/pip-23.2.1.dist-info/METADATA", "python-metadata",
                "/models/model.pt", "pickle");
        examples.forEach((path, name) -> assertThat(LanguageExtractors.all().stream()
                        .filter(e -> e.wants(path, 1 << 20, false))
                        .map(Extractor::name))
                .as(path)
                .containsExactly(name));
        assertThat(LanguageExtractors.all().stream()
                        .filter(e -> e.wants("/usr/bin/app", 1 << 20, true))
                        .map(Extractor::name))
                .containsExactly("go-binary");
        assertThat(LanguageExtractors.all().stream().map(Extractor::name)).doesNotHaveDuplicates();
    }
}
