package io.gatehouse.core.access.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.access.Action;
import io.gatehouse.core.model.RepositoryName;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DenyRuleTest {
    @Test
    void globsMatchWithinAndAcrossSegments() {
        assertThat(DenyRule.glob("prod/*").matcher("prod/api").matches()).isTrue();
        assertThat(DenyRule.glob("prod/*").matcher("prod/api/v2").matches()).isFalse();
        assertThat(DenyRule.glob("prod/**").matcher("prod/api/v2").matches()).isTrue();
        assertThat(DenyRule.glob("prod/**").matcher("production/api").matches()).isFalse();
        assertThat(DenyRule.glob("a.b/*").matcher("axb/c").matches())
                .as("dots are literal")
                .isFalse();
    }

    @Test
    void refusesOnlyMatchingActionsRepositoriesAndLabelsAndSparesExemptSubjects() {
        var rule = new DenyRule(
                "r",
                EnumSet.of(Action.DELETE),
                "team/**",
                Map.of("env", "production"),
                Set.of(new Subject.User("ops")));
        var repo = RepositoryName.parse("team/app");
        var prod = Map.of("env", "production", "tier", "web");
        assertThat(rule.refuses(Action.DELETE, repo, prod, Set.of(new Subject.User("alice"))))
                .isTrue();
        assertThat(rule.refuses(Action.PUSH, repo, prod, Set.of(new Subject.User("alice"))))
                .isFalse();
        assertThat(rule.refuses(Action.DELETE, repo, Map.of("env", "staging"), Set.of(new Subject.User("alice"))))
                .isFalse();
        assertThat(rule.refuses(
                        Action.DELETE, RepositoryName.parse("other/app"), prod, Set.of(new Subject.User("alice"))))
                .isFalse();
        assertThat(rule.refuses(Action.DELETE, repo, prod, Set.of(new Subject.User("ops"))))
                .isFalse();
    }
}
