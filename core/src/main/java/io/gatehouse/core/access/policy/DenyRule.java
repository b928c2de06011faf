package io.gatehouse.core.access.policy;

import io.gatehouse.core.access.Action;
import io.gatehouse.core.model.RepositoryName;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Refuses actions on matching repositories whatever the roles say, except for the exempt subjects. For
 * example "nobody deletes in repositories labelled env=production" (labels {env=production}, actions
 * {delete}), or "only robot ci-release pushes to prod/*" (pattern prod/*, actions {push}, exempt
 * {robot ci-release}).
 *
 * @param repositoryPattern a glob over repository names: {@code *} matches within one path segment, {@code
 *     **} across segments; empty matches every repository
 * @param labels every one of these labels must be on the repository; empty matches every repository
 */
public record DenyRule(
        String id, Set<Action> actions, String repositoryPattern, Map<String, String> labels, Set<Subject> exempt) {
    public DenyRule {
        Objects.requireNonNull(id, "id");
        actions = actions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(actions));
        repositoryPattern = repositoryPattern == null ? "" : repositoryPattern;
        labels = Map.copyOf(labels);
        exempt = Set.copyOf(exempt);
    }

    /** Whether this rule refuses {@code action} by {@code subjects} on a repository with these labels. */
    public boolean refuses(
            Action action, RepositoryName repository, Map<String, String> repositoryLabels, Set<Subject> subjects) {
        return actions.contains(action)
                && matchesName(repository)
                && repositoryLabels.entrySet().containsAll(labels.entrySet())
                && subjects.stream().noneMatch(exempt::contains);
    }

    private boolean matchesName(RepositoryName repository) {
        return repositoryPattern.isEmpty()
                || glob(repositoryPattern).matcher(repository.value()).matches();
    }

    static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*') {
                boolean twice = i + 1 < pattern.length() && pattern.charAt(i + 1) == '*';
                regex.append(twice ? ".*" : "[^/]*");
                i += twice ? 1 : 0;
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
