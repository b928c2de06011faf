package io.gatehouse.core.access.policy;

/** Who a role binding or a deny-rule exemption names. */
public sealed interface Subject permits Subject.User, Subject.Group, Subject.Robot {
    String name();

    record User(String name) implements Subject {}

    record Group(String name) implements Subject {}

    record Robot(String name) implements Subject {}
}
