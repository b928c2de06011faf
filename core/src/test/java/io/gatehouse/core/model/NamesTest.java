package io.gatehouse.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.error.Invalid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {
    @ParameterizedTest
    @ValueSource(strings = {"a", "library/alpine", "team-a/sub.dir/img_1", "a__b", "a---b/c", "0/1/2/3", "x.y"})
    void acceptsSpecRepositoryNames(String name) {
        assertThat(RepositoryName.parse(name).value()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "A",
                "Library/alpine",
                "a/../b",
                "..",
                "a//b",
                "/a",
                "a/",
                "a b",
                "a___b",
                "a.-b",
                "-a",
                "a_",
                "a%2fb",
                "a\\b",
                "ä"
            })
    void refusesOtherRepositoryNamesAsNameInvalid(String name) {
        assertThatThrownBy(() -> RepositoryName.parse(name))
                .isInstanceOfSatisfying(Invalid.class, e -> assertThat(e.kind()).isEqualTo(Invalid.Kind.NAME));
    }

    @Test
    void refusesOverlongRepositoryNames() {
        assertThatThrownBy(() -> RepositoryName.parse("a".repeat(256))).isInstanceOf(Invalid.class);
        assertThat(RepositoryName.parse("a".repeat(255)).value()).hasSize(255);
    }

    @Test
    void projectIsTheFirstPathSegment() {
        assertThat(RepositoryName.parse("team/app/api").project()).isEqualTo("team");
        assertThat(RepositoryName.parse("alpine").project()).isEqualTo("alpine");
    }

    @ParameterizedTest
    @ValueSource(strings = {"latest", "v1.2.3", "_x", "A-b_c.d", "1"})
    void acceptsTags(String tag) {
        assertThat(Tag.parse(tag).value()).isEqualTo(tag);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".hidden", "-x", "a/b", "a:b", "a b", "ü"})
    void refusesBadTagsAsTagInvalid(String tag) {
        assertThatThrownBy(() -> Tag.parse(tag))
                .isInstanceOfSatisfying(Invalid.class, e -> assertThat(e.kind()).isEqualTo(Invalid.Kind.TAG));
    }

    @Test
    void tagsAreAtMost128Characters() {
        assertThat(Tag.parse("a".repeat(128)).value()).hasSize(128);
        assertThatThrownBy(() -> Tag.parse("a".repeat(129))).isInstanceOf(Invalid.class);
    }

    @Test
    void referenceWithColonIsADigestOtherwiseATag() {
        assertThat(Reference.parse("latest")).isInstanceOf(Reference.ByTag.class);
        Reference d = Reference.parse("sha256:" + "a".repeat(64));
        assertThat(d).isInstanceOf(Reference.ByDigest.class);
        assertThat(d.toString()).isEqualTo("sha256:" + "a".repeat(64));
        assertThatThrownBy(() -> Reference.parse("sha256:short"))
                .isInstanceOfSatisfying(Invalid.class, e -> assertThat(e.kind()).isEqualTo(Invalid.Kind.DIGEST));
    }
}
