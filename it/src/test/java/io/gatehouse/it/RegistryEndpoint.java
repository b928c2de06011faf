package io.gatehouse.it;

/**
 * Where a registry under test listens ({@code host:port}, plain HTTP or HTTPS with any certificate) and a user allowed to
 * push, pull and delete in every repository. {@code username == null} means the registry needs no authentication (the
 * reference registry); then the login and wrong-credentials tests are skipped.
 */
public record RegistryEndpoint(String hostPort, String username, String password) {

    public static RegistryEndpoint anonymous(String hostPort) {
        return new RegistryEndpoint(hostPort, null, null);
    }

    public boolean authenticated() {
        return username != null;
    }

    public Skopeo.Credentials credentials() {
        return authenticated() ? new Skopeo.Credentials(username, password) : Skopeo.Credentials.ANONYMOUS;
    }

    /** The right user with a wrong password. */
    public Skopeo.Credentials wrongCredentials() {
        return new Skopeo.Credentials(authenticated() ? username : "nobody", "wrong-" + password);
    }

    /** {@code docker://HOST:PORT/REPOSITORY:TAG} or {@code ...@sha256:...} when {@code tagOrDigest} is a digest. */
    public String docker(String repository, String tagOrDigest) {
        String separator = tagOrDigest.startsWith("sha256:") ? "@" : ":";
        return "docker://" + hostPort + "/" + repository + separator + tagOrDigest;
    }

    @Override
    public String toString() {
        return "RegistryEndpoint[" + hostPort + (authenticated() ? ", user " + username : ", anonymous") + "]";
    }
}
