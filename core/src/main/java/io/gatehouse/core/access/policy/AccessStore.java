package io.gatehouse.core.access.policy;

import io.gatehouse.core.model.RepositoryName;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The access-control state: what the authorizer reads ({@link AccessPolicy}) plus the changes the admin API
 * makes. Every write is durable when the method returns, like the rest of the metadata store.
 */
public interface AccessStore extends AccessPolicy {

    /** Creates the project; false if it exists. */
    boolean createProject(ProjectSettings project);

    /** Replaces visibility and allowed networks; false if there is no such project. */
    boolean updateProject(ProjectSettings project);

    List<ProjectSettings> projects();

    void addGroupMember(String group, String user);

    boolean removeGroupMember(String group, String user);

    /** Adds the binding; false if the same binding exists. */
    boolean grant(RoleBinding binding);

    /** Removes the binding; false if it was not there. */
    boolean revoke(RoleBinding binding);

    /** Every binding, in a stable order. */
    List<RoleBinding> allBindings();

    /** Defines or replaces a custom role (never a built-in one). */
    void defineRole(Role role);

    List<Role> customRoles();

    /**
     * Stores a new robot. Robot names share one namespace with user names.
     *
     * @return false if the name is taken by a robot or a user
     */
    boolean createRobot(RobotRecord robot);

    Optional<RobotRecord> robotRecord(String name);

    /**
     * Stores a new robot that logs in with an OIDC token from an external issuer instead of a secret (its
     * {@code secretHash} is {@link RobotRecord#NO_SECRET}), together with that binding, in one transaction.
     *
     * @return false if the name is taken by a robot or a user
     */
    boolean createFederatedRobot(RobotRecord robot, RobotFederation federation);

    /** The issuer binding of a federated robot; empty for a robot with a secret or an unknown name. */
    Optional<RobotFederation> robotFederation(String name);

    List<RobotRecord> robots();

    /** Marks the robot revoked (its secret stops working at once); false if unknown. */
    boolean revokeRobot(String name);

    /** Records a successful login of the robot. */
    void touchRobot(String name, Instant usedAt);

    /** Adds or replaces a deny rule by id. */
    void putDenyRule(DenyRule rule);

    boolean removeDenyRule(String id);

    /** Replaces the repository's labels (e.g. {@code env=production}). */
    void setLabels(RepositoryName repository, Map<String, String> labels);
}
