package dev.wasmj.libcontainer.cgroups;

import java.io.IOException;

/**
 * A cgroup operation that cannot be done: a bad cgroups path, a controller the host lacks, a limit the
 * kernel refused, a cgroup that would not go away. The message is meant to be shown to the user as is.
 */
public class CgroupException extends IOException {
    private static final long serialVersionUID = 1L;

    public CgroupException(String message) {
        super(message);
    }

    public CgroupException(String message, Throwable cause) {
        super(message, cause);
    }
}
