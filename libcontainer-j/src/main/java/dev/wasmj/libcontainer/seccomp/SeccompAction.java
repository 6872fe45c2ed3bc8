package dev.wasmj.libcontainer.seccomp;

/**
 * The spec's SCMP_ACT_* actions and the SECCOMP_RET_* value (linux/seccomp.h) a filter returns for each.
 * ERRNO and TRACE carry 16 bits of data: the errno to return, or the message for the tracer.
 */
enum SeccompAction {
    KILL("SCMP_ACT_KILL", 0x00000000), // SECCOMP_RET_KILL_THREAD, as libseccomp's SCMP_ACT_KILL
    KILL_THREAD("SCMP_ACT_KILL_THREAD", 0x00000000),
    KILL_PROCESS("SCMP_ACT_KILL_PROCESS", 0x80000000),
    TRAP("SCMP_ACT_TRAP", 0x00030000),
    ERRNO("SCMP_ACT_ERRNO", 0x00050000),
    TRACE("SCMP_ACT_TRACE", 0x7ff00000),
    LOG("SCMP_ACT_LOG", 0x7ffc0000),
    ALLOW("SCMP_ACT_ALLOW", 0x7fff0000),
    NOTIFY("SCMP_ACT_NOTIFY", 0x7fc00000); // SECCOMP_RET_USER_NOTIF: needs a listener, not supported yet

    static final int EPERM = 1;
    private static final int RET_DATA = 0xffff;

    final String specName;
    final int ret;

    SeccompAction(String specName, int ret) {
        this.specName = specName;
        this.ret = ret;
    }

    /**
     * The filter's return value for the action named in {@code field}. {@code errnoRet} is the data of ERRNO
     * and TRACE, EPERM when absent (as runc does for both); other actions ignore it, as runc does.
     */
    static int returnValue(String action, Integer errnoRet, String field, String errnoField) {
        if (action == null) throw SeccompException.field(field, "missing");
        SeccompAction a = null;
        for (SeccompAction candidate : values()) {
            if (candidate.specName.equals(action)) a = candidate;
        }
        if (a == null) throw SeccompException.field(field, "unknown action \"" + action + "\"");
        if (a == NOTIFY) throw SeccompException.field(field, "SCMP_ACT_NOTIFY is not supported yet");
        if (a != ERRNO && a != TRACE) return a.ret;
        int data = errnoRet == null ? EPERM : errnoRet;
        if (data < 0 || data > RET_DATA) throw SeccompException.field(errnoField, data + " outside 0..65535");
        return a.ret | data;
    }
}
