package dev.takeover.cluster;

/** A cluster node could not start or the cluster could not complete an operation. */
public class ClusterException extends RuntimeException {

    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
