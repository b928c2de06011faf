package io.gatehouse.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.Resource;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.model.RepositoryName;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScopeTest {
    static Resource repo(String name) {
        return Resource.repository(RepositoryName.parse(name));
    }

    @Test
    void parsesRepositoryScope() {
        Scope scope = Scope.parse("repository:library/alpine:pull,push").orElseThrow();
        assertThat(scope.resource()).isEqualTo(repo("library/alpine"));
        assertThat(scope.actions()).containsExactly(Action.PULL, Action.PUSH);
        assertThat(scope.grants())
                .containsExactlyInAnyOrder(
                        new Grant(repo("library/alpine"), Action.PULL), new Grant(repo("library/alpine"), Action.PUSH));
    }

    @Test
    void unknownActionsAreIgnored() {
        assertThat(Scope.parse("repository:foo:pull,fly,,catalog,login")
                        .orElseThrow()
                        .actions())
                .containsExactly(Action.PULL);
        assertThat(Scope.parse("repository:foo:fly")).isEmpty();
        assertThat(Scope.parse("repository:foo:")).isEmpty();
    }

    @Test
    void starOnRepositoryMeansEveryRepositoryAction() {
        assertThat(Scope.parse("repository:foo:*").orElseThrow().actions())
                .containsExactly(Action.PULL, Action.PUSH, Action.DELETE);
    }

    @Test
    void parsesCatalogScope() {
        Scope scope = Scope.parse("registry:catalog:*").orElseThrow();
        assertThat(scope.resource()).isEqualTo(Resource.REGISTRY);
        assertThat(scope.actions()).containsExactly(Action.CATALOG);
        assertThat(scope.render()).isEqualTo("registry:catalog:*");
    }

    @Test
    void unknownTypesAndRegistryNamesGrantNothing() {
        assertThat(Scope.parse("registry:other:*")).isEmpty();
        assertThat(Scope.parse("registry:catalog:pull")).isEmpty();
        assertThat(Scope.parse("repository(plugin):foo:pull")).isEmpty();
        assertThat(Scope.parse("blob:foo:pull")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "repository:Foo:pull",
                "repository:../etc:pull",
                "repository:a//b:pull",
                "repository:/a:pull",
                "repository:a/:pull",
                "repository:localhost:5000/foo:pull",
                "repository:foo bar:pull"
            })
    void invalidRepositoryNamesAreRefused(String scope) {
        assertThatThrownBy(() -> Scope.parse(scope))
                .isInstanceOfSatisfying(Invalid.class, e -> assertThat(e.kind()).isEqualTo(Invalid.Kind.NAME));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "repository", "repository:foo", ":foo:pull", "repository::pull"})
    void malformedScopesAreRefused(String scope) {
        assertThatThrownBy(() -> Scope.parse(scope))
                .isInstanceOfSatisfying(Invalid.class, e -> assertThat(e.kind()).isEqualTo(Invalid.Kind.PARAMETER));
    }

    @Test
    void overlongScopeIsRefused() {
        assertThatThrownBy(() -> Scope.parse("repository:" + "a".repeat(600) + ":pull"))
                .isInstanceOf(Invalid.class);
    }

    @Test
    void parsesSeveralParametersAndSpaceSeparatedScopesMergingByResource() {
        List<Scope> scopes = Scope.parseAll(
                List.of("repository:foo:pull", "repository:bar:push repository:foo:push  registry:catalog:*", "x:y:z"));

        assertThat(scopes)
                .containsExactly(
                        Scope.of(repo("foo"), Action.PULL, Action.PUSH),
                        Scope.of(repo("bar"), Action.PUSH),
                        Scope.catalog());
        assertThat(Scope.renderAll(scopes))
                .isEqualTo("repository:foo:pull,push repository:bar:push registry:catalog:*");
    }

    @Test
    void tooManyScopesAreRefused() {
        List<String> many = Collections.nCopies(65, "repository:foo:pull");
        assertThatThrownBy(() -> Scope.parseAll(many)).isInstanceOf(Invalid.class);
    }

    @Test
    void rendersActionsInStableOrderAndRoundTrips() {
        Scope scope = Scope.of(repo("team/app"), Action.DELETE, Action.PULL);
        assertThat(scope.render()).isEqualTo("repository:team/app:pull,delete");
        assertThat(scope.toString()).isEqualTo(scope.render());
        assertThat(Scope.parse(scope.render())).contains(scope);
    }

    @Test
    void groupsGrantsIntoScopes() {
        Set<Grant> grants = Set.of(
                new Grant(repo("a"), Action.PUSH),
                new Grant(repo("a"), Action.PULL),
                new Grant(Resource.REGISTRY, Action.CATALOG));
        assertThat(Scope.fromGrants(grants))
                .containsExactlyInAnyOrder(Scope.of(repo("a"), Action.PULL, Action.PUSH), Scope.catalog());
        assertThat(Scope.grantsOf(Scope.fromGrants(grants))).isEqualTo(grants);
    }

    @Test
    void meaninglessPairsCannotBeBuilt() {
        assertThatThrownBy(() -> new Grant(Resource.REGISTRY, Action.PULL))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Grant(repo("a"), Action.CATALOG)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Grant(repo("a"), Action.AUTHENTICATE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Scope(repo("a"), Set.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
