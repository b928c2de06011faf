package io.gatehouse.core.access;

/** The outcome of an authorization question, with a reason that is audited (and safe to show). */
public record AccessDecision(boolean allowed, String reason) {
    public static AccessDecision allow(String reason) {
        return new AccessDecision(true, reason);
    }

    public static AccessDecision deny(String reason) {
        return new AccessDecision(false, reason);
    }
}
