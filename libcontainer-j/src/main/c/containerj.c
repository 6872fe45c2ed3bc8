/*
 * libcontainerj: the few syscalls libcontainer-j needs, bound with plain JNI.
 *
 * Why our own JNI library and not jnr-ffi: in a fresh init JVM the binding's start-up is the critical
 * path (jnr-posix ~200 ms at best, a tuned jnr-ffi ~100 ms, this library ~1 ms; see
 * docs/design/native-binding.md). Every function is a thin wrapper that throws
 * dev.wasmj.libcontainer.syscall.SyscallException(call, errno) on failure, except two that must run
 * as one uninterrupted sequence: spawn() (clone a child into new namespaces and cgroups, then exec) and
 * execWorkload() (drop privileges, close fds, exec).
 */
#define _GNU_SOURCE
#include <jni.h>

#include <linux/bpf.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pty.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))
#define JNI_FN(name) EXPORT JNICALL Java_dev_wasmj_libcontainer_syscall_Native_##name

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

/* ---------- errors and strings ---------- */

static jboolean throw_errno(JNIEnv *env, const char *call, int err) {
    jclass cls = (*env)->FindClass(env, "dev/wasmj/libcontainer/syscall/SyscallException");
    if (cls == NULL) return JNI_FALSE; /* NoClassDefFoundError is pending */
    jmethodID ctor = (*env)->GetMethodID(env, cls, "<init>", "(Ljava/lang/String;ILjava/lang/String;)V");
    if (ctor == NULL) return JNI_FALSE;
    jstring jcall = (*env)->NewStringUTF(env, call);
    jstring jmsg = (*env)->NewStringUTF(env, strerror(err));
    jobject ex = (*env)->NewObject(env, cls, ctor, jcall, (jint)err, jmsg);
    if (ex != NULL) (*env)->Throw(env, (jthrowable)ex);
    return JNI_FALSE;
}

/* A C string copy of a Java string (NULL stays NULL); free with free(). Modified UTF-8 is fine for
 * paths without NUL, which is what the Java side passes. */
static char *dup_string(JNIEnv *env, jstring s) {
    if (s == NULL) return NULL;
    const char *utf = (*env)->GetStringUTFChars(env, s, NULL);
    if (utf == NULL) return NULL;
    char *copy = strdup(utf);
    (*env)->ReleaseStringUTFChars(env, s, utf);
    return copy;
}

/* A NULL-terminated copy of a String[]; free with free_string_array(). */
static char **dup_string_array(JNIEnv *env, jobjectArray arr) {
    if (arr == NULL) return NULL;
    jsize n = (*env)->GetArrayLength(env, arr);
    char **out = calloc((size_t)n + 1, sizeof(char *));
    if (out == NULL) return NULL;
    for (jsize i = 0; i < n; i++) {
        jstring s = (jstring)(*env)->GetObjectArrayElement(env, arr, i);
        out[i] = dup_string(env, s);
        (*env)->DeleteLocalRef(env, s);
    }
    return out;
}

static void free_string_array(char **arr) {
    if (arr == NULL) return;
    for (char **p = arr; *p != NULL; p++) free(*p);
    free(arr);
}

/* An int[] copied into a malloc'd buffer; *len receives its length. */
static int *dup_int_array(JNIEnv *env, jintArray arr, int *len) {
    *len = 0;
    if (arr == NULL) return NULL;
    *len = (*env)->GetArrayLength(env, arr);
    int *out = malloc(sizeof(int) * ((size_t)*len + 1));
    if (out != NULL) (*env)->GetIntArrayRegion(env, arr, 0, *len, out);
    return out;
}

/* ---------- fd remapping, shared by spawn() and execWorkload() ---------- */

/* Moves fds so that for each pair (target, source) in map, target refers to what source did, even when
 * sources and targets overlap: every source is first duplicated above all targets. Only async-signal-
 * safe calls: this runs in a vfork-style child. Returns 0 or an errno. */
static int remap_fds(const int *map, int pairs) {
    int highest = 2;
    for (int i = 0; i < pairs; i++) {
        if (map[2 * i] > highest) highest = map[2 * i];
        if (map[2 * i + 1] > highest) highest = map[2 * i + 1];
    }
    int tmp[64];
    if (pairs > 64) return E2BIG;
    for (int i = 0; i < pairs; i++) {
        tmp[i] = fcntl(map[2 * i + 1], F_DUPFD_CLOEXEC, highest + 1);
        if (tmp[i] < 0) return errno;
    }
    for (int i = 0; i < pairs; i++) {
        if (dup2(tmp[i], map[2 * i]) < 0) return errno; /* dup2 clears FD_CLOEXEC on the target */
    }
    return 0;
}

/* ---------- credentials: the process's identity, applied just before execve or the in-process workload ---------- */

/*
 * What a container process runs as. Applied by apply_credentials() with raw syscalls only (no malloc,
 * no locks), so the same code serves execWorkload() (the init's last act), a spawn() child (exec of a
 * second process into a running container), which shares the JVM's memory and must not touch its heap,
 * and confineProcess(), where it runs in a signal handler on every thread of the init JVM.
 */
struct credentials {
    int apply;               /* 0: keep the caller's identity */
    int uid, gid;
    gid_t groups[256];
    int ngroups;
    int have_caps;           /* caps: bounding, effective, permitted, inheritable, ambient */
    jlong caps[5];
    int cap_last;
    int no_new_privs;
    struct sock_filter *filter; /* NULL: no seccomp */
    int filter_len;
    int seccomp_flags;
    int filter_installed;
};

static int cap_last(void);

/* Reads the Java arguments into c; returns 0, or an errno (ENOMEM, E2BIG). */
static int read_credentials(JNIEnv *env, struct credentials *c, jint uid, jint gid, jintArray jgroups,
                            jlongArray jcaps, jboolean noNewPrivs, jbyteArray jseccomp, jint seccompFlags) {
    c->apply = 1;
    c->uid = uid;
    c->gid = gid;
    c->ngroups = jgroups == NULL ? 0 : (*env)->GetArrayLength(env, jgroups);
    if (c->ngroups > 256) return E2BIG;
    if (c->ngroups > 0) {
        jint tmp[256];
        (*env)->GetIntArrayRegion(env, jgroups, 0, c->ngroups, tmp);
        for (int i = 0; i < c->ngroups; i++) c->groups[i] = (gid_t)tmp[i];
    }
    c->have_caps = jcaps != NULL;
    if (c->have_caps) (*env)->GetLongArrayRegion(env, jcaps, 0, 5, c->caps);
    c->cap_last = cap_last();
    c->no_new_privs = noNewPrivs;
    c->seccomp_flags = seccompFlags;
    if (jseccomp != NULL) {
        jsize n = (*env)->GetArrayLength(env, jseccomp);
        c->filter = malloc((size_t)n + 1);
        if (c->filter == NULL) return ENOMEM; /* never run a workload without the filter it asked for */
        c->filter_len = n / (int)sizeof(struct sock_filter);
        (*env)->GetByteArrayRegion(env, jseccomp, 0, n, (jbyte *)c->filter);
    }
    return 0;
}

static int install_filter(struct credentials *c, unsigned int extra_flags) {
    struct sock_fprog prog = {(unsigned short)c->filter_len, c->filter};
    long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, (unsigned int)c->seccomp_flags | extra_flags, &prog);
    if (r < 0) return -1;
    /* With TSYNC a positive result is the id of a thread that could not be synchronised. */
    if (r > 0) { errno = ESRCH; return -1; }
    c->filter_installed = 1;
    return 0;
}

/* Whether the process still holds CAP_SYS_ADMIN once its identity is applied: then the filter can go last
 * even without no_new_privs. */
static int keeps_sys_admin(const struct credentials *c) {
    if (!c->have_caps) return c->uid == 0; /* a non-root uid loses every capability at setresuid */
    return (c->caps[1] & (1LL << CAP_SYS_ADMIN)) != 0;
}

/* A filter without no_new_privs needs CAP_SYS_ADMIN when it is installed. When the process is about to lose
 * it, the filter must come before the identity change (as runc does); otherwise it comes last, so that only
 * execve (or the in-process workload) runs under it. */
static int filter_goes_first(const struct credentials *c) {
    return c->apply && c->filter != NULL && !c->no_new_privs && !keeps_sys_admin(c);
}

/*
 * Drops this thread to the process's identity: bounding set, groups/gid/uid (keeping capabilities), the
 * other capability sets, no_new_privs. Raw syscalls only (async-signal-safe: it also runs in a signal
 * handler on every thread of the init JVM, see confineProcess). Returns 0, or -1 with errno and *step set.
 */
static int apply_credentials(const struct credentials *c, const char **step) {
    if (!c->apply) return 0;
    if (c->have_caps) {
        *step = "drop bounding capabilities";
        for (int cap = 0; cap <= c->cap_last; cap++) {
            if (!(c->caps[0] & (1LL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) return -1;
        }
        *step = "PR_SET_KEEPCAPS";
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) return -1;
    }
    *step = "setgroups";
    if (syscall(SYS_setgroups, c->ngroups, c->groups) < 0) return -1;
    *step = "setresgid";
    if (syscall(SYS_setresgid, c->gid, c->gid, c->gid) < 0) return -1;
    *step = "setresuid";
    if (syscall(SYS_setresuid, c->uid, c->uid, c->uid) < 0) return -1;
    if (c->have_caps) {
        *step = "capset";
        struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
        struct __user_cap_data_struct data[2];
        for (int i = 0; i < 2; i++) {
            data[i].effective = (uint32_t)((uint64_t)c->caps[1] >> (32 * i));
            data[i].permitted = (uint32_t)((uint64_t)c->caps[2] >> (32 * i));
            data[i].inheritable = (uint32_t)((uint64_t)c->caps[3] >> (32 * i));
        }
        if (syscall(SYS_capset, &hdr, data) < 0) return -1;
        *step = "ambient capabilities";
        prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
        for (int cap = 0; cap <= c->cap_last; cap++) {
            /* The kernel only lets a capability be ambient if it is permitted and inheritable; skip the
             * others rather than fail, as runc does (its default spec lists ambient caps but no inheritable). */
            long long bit = 1LL << cap;
            if (!(c->caps[4] & bit) || !(c->caps[2] & bit) || !(c->caps[3] & bit)) continue;
            if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0) return -1;
        }
        *step = "PR_SET_KEEPCAPS";
        if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) return -1;
    }
    if (c->no_new_privs) {
        *step = "PR_SET_NO_NEW_PRIVS";
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return -1;
    }
    return 0;
}

/* What execve would not reset: ignored signals (SIG_IGN survives it) and the signal mask. Done before the
 * filter, so that the filter never has to allow rt_sigaction or rt_sigprocmask. */
static void reset_signals_for_exec(void) {
    struct sigaction cur, dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < _NSIG; sig++) {
        if (syscall(SYS_rt_sigaction, sig, NULL, &cur, _NSIG / 8) == 0 && cur.sa_handler == SIG_IGN) {
            syscall(SYS_rt_sigaction, sig, &dfl, NULL, _NSIG / 8);
        }
    }
    sigset_t none;
    sigemptyset(&none);
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, _NSIG / 8);
}

/* The last steps before execve, in the order that keeps the filter's reach smallest: the filter first only
 * when it needs a capability the identity drops, else after everything but execve itself. */
static int confine_for_exec(struct credentials *c, const char **step) {
    if (filter_goes_first(c)) {
        *step = "seccomp";
        if (install_filter(c, 0) < 0) return -1;
    }
    if (apply_credentials(c, step) < 0) return -1;
    if (c->apply && c->filter != NULL && !c->filter_installed) {
        *step = "seccomp";
        if (install_filter(c, 0) < 0) return -1;
    }
    return 0;
}

/* ---------- spawn: clone into namespaces and cgroups, then execve ---------- */

struct spawn_args {
    const char *path;
    char **argv;
    char **envp;
    const int *fd_map;
    int fd_pairs;
    int close_from;
    const int *setns_fds; /* pairs (fd, nstype) */
    int setns_pairs;
    const int *cgroup_procs_fds;
    int cgroup_fds;
    int unshare_cgroupns;
    int new_session;         /* 0: the caller's session; 1: setsid; 2: setsid, then fd 0 (a terminal) controls it */
    const char *cwd;         /* chdir after joining namespaces (the container's mount namespace), or NULL */
    struct credentials creds;
    const char *creds_step;
    sigset_t child_mask;
    volatile int err;      /* written by the child: memory is shared (CLONE_VM) */
    volatile int err_step; /* which step failed, for the message */
    /* A user namespace (new or joined) takes two stages, see spawn_stage1(). */
    int two_stage;
    int userns_fd;            /* joined by path, or -1 */
    int pidns_fd;             /* joined by path (pid_for_children of stage 1), or -1 */
    int unshare_flags;        /* the other new namespaces, made by stage 1 once in the user namespace */
    int stage2_flags;         /* CLONE_NEWPID when the init gets a pid namespace of its own */
    char *stage2_stack_top;
    int ready_fd, go_fd;      /* stage 1 -> parent: "write my maps"; parent -> stage 1: "written" */
    volatile pid_t init_pid;  /* stage 2, in the parent's pid namespace */
};

enum { STEP_NONE, STEP_SIGNALS, STEP_SETSID, STEP_CGROUP, STEP_SETNS, STEP_CGROUPNS, STEP_FDS, STEP_CHDIR,
       STEP_CREDENTIALS, STEP_EXEC, STEP_USERNS, STEP_USERNS_MAPS, STEP_USERNS_ROOT, STEP_UNSHARE, STEP_CLONE,
       STEP_CTTY };
static const char *const spawn_steps[] = {
    "spawn", "spawn: reset signals", "spawn: setsid", "spawn: join cgroup",
    "spawn: setns", "spawn: unshare(CLONE_NEWCGROUP)", "spawn: set up fds", "spawn: chdir",
    "spawn: credentials", "spawn: execve", "spawn: enter the user namespace",
    "spawn: wait for the user namespace's id maps", "spawn: become root of the user namespace (is container id 0 mapped?)",
    "spawn: unshare the other namespaces", "spawn: clone the init into its pid namespace",
    "spawn: make fd 0 the controlling terminal"};

/* The JVM's handlers must never run in a child; SIG_IGN dispositions would survive execve. */
static void reset_signal_handlers(void) {
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < _NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        syscall(SYS_rt_sigaction, sig, &dfl, NULL, _NSIG / 8);
    }
}

/* "0" moves the writer: the init is placed before it runs a single instruction of the JVM. Then the
 * namespaces given by fd. Both as the caller's (root's) own identity, before any user namespace. */
static int join_cgroups_and_namespaces(struct spawn_args *a, int *step) {
    *step = STEP_CGROUP;
    for (int i = 0; i < a->cgroup_fds; i++) {
        if (write(a->cgroup_procs_fds[i], "0", 1) != 1) return -1;
    }
    *step = STEP_SETNS;
    for (int i = 0; i < a->setns_pairs; i++) {
        if (setns(a->setns_fds[2 * i], a->setns_fds[2 * i + 1]) < 0) return -1;
    }
    return 0;
}

/* Runs in the child, which shares the parent's memory and is suspended-on by the parent (CLONE_VFORK).
 * It may only make syscalls: no malloc, no locks, no JVM. */
static int spawn_child(void *p) {
    struct spawn_args *a = p;
    int step = STEP_SETSID;
    /* In two stages, stage 1 has done the signals, the cgroups and the namespaces already. */
    if (!a->two_stage) reset_signal_handlers();
    if (a->new_session && setsid() < 0) goto fail;
    if (!a->two_stage && join_cgroups_and_namespaces(a, &step) < 0) goto fail;
    step = STEP_CGROUPNS;
    /* After the cgroup move, so that the namespace's root is the container's own cgroup. */
    if (a->unshare_cgroupns && unshare(CLONE_NEWCGROUP) < 0) goto fail;
    step = STEP_FDS;
    int rc = remap_fds(a->fd_map, a->fd_pairs);
    if (rc != 0) { errno = rc; goto fail; }
    /* Gaps in the map below close_from (3 and 4 when only 0-2 and 5 are mapped) still hold the parent's
     * fds, and a JVM opens most of its files without O_CLOEXEC: mark them too, so the child gets exactly
     * the mapped fds. Unmapped 0-2 are left alone: a child without an fd map inherits the caller's stdio. */
    for (int fd = 3; fd < a->close_from; fd++) {
        int mapped = 0;
        for (int i = 0; i < a->fd_pairs; i++) {
            if (a->fd_map[2 * i] == fd) { mapped = 1; break; }
        }
        if (!mapped) fcntl(fd, F_SETFD, FD_CLOEXEC); /* EBADF when the parent has no such fd: nothing to do */
    }
    if (syscall(SYS_close_range, a->close_from, ~0U, CLOSE_RANGE_CLOEXEC) < 0) goto fail;
    step = STEP_CTTY;
    if (a->new_session == 2 && ioctl(0, TIOCSCTTY, 0) < 0) goto fail;
    step = STEP_CHDIR;
    if (a->cwd != NULL && chdir(a->cwd) < 0) goto fail;
    /* Every handler is already the default; the mask goes before the filter, as in execWorkload. */
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &a->child_mask, NULL, _NSIG / 8);
    step = STEP_CREDENTIALS;
    if (confine_for_exec(&a->creds, &a->creds_step) < 0) goto fail;
    step = STEP_EXEC;
    execve(a->path, a->argv, a->envp);
fail:
    a->err = errno;
    a->err_step = step;
    _exit(step == STEP_EXEC && (errno == ENOENT || errno == ENOTDIR) ? 127 : 126);
}

/*
 * Stage 1 of a spawn into a user namespace. A user namespace must own the namespaces made with it (else its
 * root could not mount proc or its rootfs), and its id maps must be written from outside while the child
 * waits; the pid namespace then needs a second clone for the init to be its PID 1. So: stage 1, a CLONE_VM
 * child without CLONE_VFORK (the parent goes on to write the maps), joins cgroups and namespaces as root,
 * joins or creates the user namespace (asking the parent for the maps), becomes its root, unshares the other
 * new namespaces, and clones stage 2 with CLONE_PARENT (the caller's child, so the runtime reaps it as any
 * init) and CLONE_VFORK; stage 2 is spawn_child(). Syscalls only, as spawn_child.
 */
static int spawn_stage1(void *p) {
    struct spawn_args *a = p;
    int step = STEP_SIGNALS;
    char c = 1;
    reset_signal_handlers();
    if (join_cgroups_and_namespaces(a, &step) < 0) goto fail;
    step = STEP_SETNS;
    if (a->pidns_fd >= 0 && setns(a->pidns_fd, CLONE_NEWPID) < 0) goto fail; /* for stage 2, its child */
    step = STEP_USERNS;
    if (a->userns_fd >= 0) {
        if (setns(a->userns_fd, CLONE_NEWUSER) < 0) goto fail;
    } else {
        if (unshare(CLONE_NEWUSER) < 0) goto fail;
        step = STEP_USERNS_MAPS;
        if (write(a->ready_fd, &c, 1) != 1) goto fail;
        ssize_t n;
        do { n = read(a->go_fd, &c, 1); } while (n < 0 && errno == EINTR);
        if (n != 1) { errno = n == 0 ? EPIPE : errno; goto fail; }
    }
    step = STEP_USERNS_ROOT;
    if (syscall(SYS_setgroups, 0, NULL) < 0) goto fail;
    if (syscall(SYS_setresgid, 0, 0, 0) < 0) goto fail;
    if (syscall(SYS_setresuid, 0, 0, 0) < 0) goto fail;
    step = STEP_UNSHARE;
    if (a->unshare_flags != 0 && unshare(a->unshare_flags) < 0) goto fail;
    step = STEP_CLONE;
    pid_t pid = clone(spawn_child, a->stage2_stack_top, CLONE_VM | CLONE_VFORK | CLONE_PARENT | a->stage2_flags, a);
    if (pid < 0) goto fail;
    a->init_pid = pid;
    _exit(0);
fail:
    a->err = errno;
    a->err_step = step;
    _exit(127);
}

/* Writes "inside outside count" lines to /proc/<pid>/<file> in one write, as the kernel requires. */
static int write_id_map(pid_t pid, const char *file, const char *map) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", pid, file);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t len = strlen(map);
    ssize_t n = write(fd, map, len);
    int err = errno;
    close(fd);
    if (n != (ssize_t)len) { errno = n < 0 ? err : EIO; return -1; }
    return 0;
}

/* The parent's side of a two-stage spawn: writes stage 1's maps when it asks, waits for it, and returns the
 * init's pid or -1 with an exception pending. */
static jint spawn_two_stage(JNIEnv *env, struct spawn_args *a, int clone_flags, const char *uid_map, const char *gid_map) {
    const size_t stack_size = 256 * 1024;
    char *stacks = mmap(NULL, 2 * stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stacks == MAP_FAILED) { throw_errno(env, "spawn: mmap", errno); return -1; }
    int ready[2] = {-1, -1}, go[2] = {-1, -1};
    jint result = -1;
    if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0) { throw_errno(env, "spawn: pipe", errno); goto out; }
    a->two_stage = 1;
    a->unshare_flags = clone_flags & ~(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWCGROUP);
    a->stage2_flags = clone_flags & CLONE_NEWPID;
    a->stage2_stack_top = stacks + 2 * stack_size;
    a->ready_fd = ready[1];
    a->go_fd = go[0];
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid_t stage1 = clone(spawn_stage1, stacks + stack_size, CLONE_VM | SIGCHLD, a);
    int clone_err = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (stage1 < 0) { throw_errno(env, "spawn: clone", clone_err); goto out; }
    close(ready[1]);
    ready[1] = -1;
    close(go[0]);
    go[0] = -1;
    const char *map_step = NULL;
    int map_err = 0;
    if (a->userns_fd < 0) {
        char c;
        ssize_t n;
        do { n = read(ready[0], &c, 1); } while (n < 0 && errno == EINTR);
        if (n == 1) {
            if (write_id_map(stage1, "uid_map", uid_map) < 0) { map_err = errno; map_step = "spawn: write uid_map"; }
            else if (write_id_map(stage1, "gid_map", gid_map) < 0) { map_err = errno; map_step = "spawn: write gid_map"; }
            else if (write(go[1], &c, 1) != 1) { map_err = errno; map_step = "spawn: release the child"; }
        }
    }
    close(go[1]); /* a stage 1 still waiting for its maps reads the end of the pipe, and fails */
    go[1] = -1;
    while (waitpid(stage1, NULL, __WALL) < 0 && errno == EINTR) {}
    if (map_err != 0) { throw_errno(env, map_step, map_err); goto out; }
    if (a->err != 0) {
        if (a->init_pid > 0) waitpid(a->init_pid, NULL, __WALL); /* stage 2 failed: it has exited */
        if (a->err_step == STEP_CREDENTIALS && a->creds_step != NULL) {
            char what[96];
            snprintf(what, sizeof what, "spawn: %s", a->creds_step);
            throw_errno(env, what, a->err);
        } else {
            throw_errno(env, spawn_steps[a->err_step], a->err);
        }
        goto out;
    }
    if (a->init_pid <= 0) { /* stage 1 was killed before it could say anything (an OOM kill, a signal) */
        throw_errno(env, "spawn: the first stage ended before it started the init", ECHILD);
        goto out;
    }
    result = a->init_pid;
out:
    for (int i = 0; i < 2; i++) {
        if (ready[i] >= 0) close(ready[i]);
        if (go[i] >= 0) close(go[i]);
    }
    munmap(stacks, 2 * stack_size);
    return result;
}

JNIEXPORT jint JNI_FN(spawn)(JNIEnv *env, jclass cls, jstring jpath, jobjectArray jargv, jobjectArray jenvp,
                             jintArray jfdMap, jint closeFrom, jint cloneFlags, jintArray jsetns,
                             jintArray jcgroupFds, jint pidNsFd, jboolean unshareCgroupns,
                             jint newSession, jstring jcwd, jboolean applyCreds, jint uid, jint gid,
                             jintArray jgroups, jlongArray jcaps, jboolean noNewPrivs, jbyteArray jseccomp,
                             jint seccompFlags, jint userNsFd, jstring juidMap, jstring jgidMap) {
    (void)cls;
    struct spawn_args a;
    memset(&a, 0, sizeof a);
    int map_len = 0, setns_len = 0, cg_len = 0;
    a.path = dup_string(env, jpath);
    a.argv = dup_string_array(env, jargv);
    a.envp = dup_string_array(env, jenvp);
    int *fd_map = dup_int_array(env, jfdMap, &map_len);
    int *setns_fds = dup_int_array(env, jsetns, &setns_len);
    int *cg_fds = dup_int_array(env, jcgroupFds, &cg_len);
    a.fd_map = fd_map;
    a.fd_pairs = map_len / 2;
    a.close_from = closeFrom;
    a.setns_fds = setns_fds;
    a.setns_pairs = setns_len / 2;
    a.cgroup_procs_fds = cg_fds;
    a.cgroup_fds = cg_len;
    a.unshare_cgroupns = unshareCgroupns;
    a.new_session = newSession;
    a.cwd = jcwd == NULL ? NULL : dup_string(env, jcwd);
    sigemptyset(&a.child_mask);

    jint result = -1;
    const size_t stack_size = 256 * 1024;
    char *stack = NULL;
    int self_pidns = -1;
    if (a.path == NULL || a.argv == NULL || a.envp == NULL || (jcwd != NULL && a.cwd == NULL)) {
        if (!(*env)->ExceptionCheck(env)) throw_errno(env, "spawn", ENOMEM);
        goto out;
    }
    if (applyCreds) {
        int rc = read_credentials(env, &a.creds, uid, gid, jgroups, jcaps, noNewPrivs, jseccomp, seccompFlags);
        if (rc != 0) { throw_errno(env, "spawn: credentials", rc); goto out; }
    }
    if (userNsFd >= 0 || juidMap != NULL) {
        char *uid_map = dup_string(env, juidMap);
        char *gid_map = dup_string(env, jgidMap);
        a.userns_fd = userNsFd;
        a.pidns_fd = pidNsFd;
        if (juidMap != NULL && (uid_map == NULL || gid_map == NULL)) {
            if (!(*env)->ExceptionCheck(env)) throw_errno(env, "spawn", ENOMEM);
        } else {
            result = spawn_two_stage(env, &a, cloneFlags | (juidMap != NULL ? CLONE_NEWUSER : 0), uid_map, gid_map);
        }
        free(uid_map);
        free(gid_map);
        goto out;
    }
    stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) { stack = NULL; throw_errno(env, "spawn: mmap", errno); goto out; }

    /* Joining an existing pid namespace only affects children: switch this thread's
     * pid_for_children for the clone, then switch back. */
    if (pidNsFd >= 0) {
        self_pidns = open("/proc/thread-self/ns/pid", O_RDONLY | O_CLOEXEC);
        if (self_pidns < 0) { throw_errno(env, "spawn: open own pid namespace", errno); goto out; }
        if (setns(pidNsFd, CLONE_NEWPID) < 0) { throw_errno(env, "spawn: setns(pid)", errno); goto out; }
    }
    /* Block every signal around clone so no JVM handler runs in the child before it resets them. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int flags = (cloneFlags & ~CLONE_NEWCGROUP) | CLONE_VM | CLONE_VFORK | SIGCHLD;
    pid_t pid = clone(spawn_child, stack + stack_size, flags, &a);
    int clone_err = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (self_pidns >= 0 && setns(self_pidns, CLONE_NEWPID) < 0) {
        /* Leaving the thread in the container's pid namespace would misplace every later child. */
        abort();
    }
    if (pid < 0) { throw_errno(env, "spawn: clone", clone_err); goto out; }
    if (a.err != 0) {
        /* The child has exited (CLONE_VFORK returned): reap it so no zombie is left. */
        waitpid(pid, NULL, 0);
        if (a.err_step == STEP_CREDENTIALS && a.creds_step != NULL) {
            char what[96];
            snprintf(what, sizeof what, "spawn: %s", a.creds_step);
            throw_errno(env, what, a.err);
        } else {
            throw_errno(env, spawn_steps[a.err_step], a.err);
        }
        goto out;
    }
    result = pid;
out:
    if (self_pidns >= 0) close(self_pidns);
    if (stack != NULL) munmap(stack, stack_size);
    free((void *)a.path);
    free((void *)a.cwd);
    free(a.creds.filter);
    free_string_array(a.argv);
    free_string_array(a.envp);
    free(fd_map);
    free(setns_fds);
    free(cg_fds);
    return result;
}

/* ---------- execWorkload: the init's last act ---------- */

static int cap_last(void) {
    int last = CAP_LAST_CAP;
    int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        char buf[16] = {0};
        if (read(fd, buf, sizeof buf - 1) > 0) last = atoi(buf);
        close(fd);
    }
    return last;
}

/*
 * caps: null (keep all) or 5 masks: bounding, effective, permitted, inheritable, ambient.
 * All credential changes are raw syscalls on this thread only: execve keeps this thread's credentials
 * and ends every other thread of the JVM, so nothing else needs to change.
 */
JNIEXPORT void JNI_FN(execWorkload)(JNIEnv *env, jclass cls, jstring jpath, jobjectArray jargv,
                                    jobjectArray jenvp, jintArray jfdMap, jint closeFrom, jint uid, jint gid,
                                    jintArray jgroups, jlongArray jcaps, jboolean noNewPrivs,
                                    jbyteArray jseccomp, jint seccompFlags) {
    (void)cls;
    char *path = dup_string(env, jpath);
    char **argv = dup_string_array(env, jargv);
    char **envp = dup_string_array(env, jenvp);
    int map_len = 0;
    int *fd_map = dup_int_array(env, jfdMap, &map_len);
    struct credentials creds;
    memset(&creds, 0, sizeof creds);
    const char *step = "execWorkload";
    int rc = read_credentials(env, &creds, uid, gid, jgroups, jcaps, noNewPrivs, jseccomp, seccompFlags);
    if (rc != 0) { errno = rc; goto fail; }
    if (path == NULL || argv == NULL || envp == NULL) { errno = ENOMEM; goto fail; }

    step = "execWorkload: set up fds";
    rc = remap_fds(fd_map, map_len / 2);
    if (rc != 0) { errno = rc; goto fail; }
    /* Whatever a seccomp profile could forbid comes before the filter: a profile that lists no close_range
     * (older ones do not) must not stop the container. */
    step = "execWorkload: close inherited fds";
    if (syscall(SYS_close_range, closeFrom, ~0U, CLOSE_RANGE_CLOEXEC) < 0) goto fail;
    /* From here on: no JNI call until execve. Signals: an empty mask, and no SIG_IGN inherited. */
    reset_signals_for_exec();
    const char *cstep = NULL;
    if (confine_for_exec(&creds, &cstep) < 0) goto fail_credentials;
    step = "execve";
    execve(path, argv, envp);
    goto fail;
fail_credentials:;
    int saved = errno;
    char what[96];
    snprintf(what, sizeof what, "execWorkload: %s", cstep);
    step = what;
    errno = saved;
fail:;
    int err = errno;
    free(path);
    free_string_array(argv);
    free_string_array(envp);
    free(fd_map);
    free(creds.filter);
    throw_errno(env, step, err);
}

/* ---------- confineProcess: the identity of an in-process workload, on every thread ---------- */

/*
 * Credentials, capabilities and no_new_privs belong to a thread, not to a process: the raw syscalls change
 * only the calling thread (glibc's setresuid & co. broadcast a signal to every thread for that reason). An
 * in-process workload (a Wasm module) runs on one JVM thread, but the JVM's other threads share its memory:
 * any of them left with root's capabilities would be the way out of a module that escaped its sandbox. So
 * every thread takes the same identity: a real-time signal is sent to each thread of /proc/self/task, whose
 * handler applies it; the list is read again until a pass finds no thread left (a thread created meanwhile
 * by an unconfined thread shows up in the next pass; one created by a confined thread inherits its
 * credentials). The calling thread goes last, while it still may signal the others.
 */
#define CONFINE_MAX_THREADS 4096
static const struct credentials *confine_creds;
static volatile int confine_err;         /* first failure of a handler: errno */
static const char *volatile confine_step; /* ... and its step */
static volatile int confine_err_tid;
static int confine_done[CONFINE_MAX_THREADS];
static volatile int confine_done_count;
static pthread_mutex_t confine_lock = PTHREAD_MUTEX_INITIALIZER;

/* Whether this thread already holds exactly c's identity: a thread created by a confined thread inherits it
 * (and may then no longer change it: setgroups and dropping from the bounding set need capabilities it lost). */
static int holds_credentials(const struct credentials *c) {
    uid_t r, e, sv;
    if (syscall(SYS_getresuid, &r, &e, &sv) < 0 || r != (uid_t)c->uid || e != (uid_t)c->uid || sv != (uid_t)c->uid) return 0;
    gid_t gr, ge, gs;
    if (syscall(SYS_getresgid, &gr, &ge, &gs) < 0 || gr != (gid_t)c->gid || ge != (gid_t)c->gid || gs != (gid_t)c->gid) return 0;
    gid_t groups[256];
    long n = syscall(SYS_getgroups, 256, groups);
    if (n != c->ngroups) return 0;
    for (int i = 0; i < n; i++) {
        if (groups[i] != c->groups[i]) return 0;
    }
    if (c->have_caps) {
        struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
        struct __user_cap_data_struct data[2];
        if (syscall(SYS_capget, &hdr, data) < 0) return 0;
        uint64_t eff = data[0].effective | ((uint64_t)data[1].effective << 32);
        uint64_t prm = data[0].permitted | ((uint64_t)data[1].permitted << 32);
        uint64_t inh = data[0].inheritable | ((uint64_t)data[1].inheritable << 32);
        if (eff != (uint64_t)c->caps[1] || prm != (uint64_t)c->caps[2] || inh != (uint64_t)c->caps[3]) return 0;
        for (int cap = 0; cap <= c->cap_last; cap++) {
            long long bit = 1LL << cap;
            int bounding = prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1;
            if (bounding != ((c->caps[0] & bit) != 0)) return 0;
            int ambient = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0) == 1;
            if (ambient != ((c->caps[4] & c->caps[2] & c->caps[3] & bit) != 0)) return 0;
        }
    }
    if (c->no_new_privs && prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) return 0;
    return 1;
}

static void confine_handler(int sig) {
    (void)sig;
    int saved = errno;
    const char *step = "";
    int tid = (int)syscall(SYS_gettid);
    if (!holds_credentials(confine_creds) && apply_credentials(confine_creds, &step) < 0) {
        int expected = 0;
        if (__atomic_compare_exchange_n(&confine_err, &expected, errno, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
            confine_step = step;
            confine_err_tid = tid;
        }
    }
    int slot = __atomic_fetch_add(&confine_done_count, 1, __ATOMIC_SEQ_CST);
    if (slot < CONFINE_MAX_THREADS) __atomic_store_n(&confine_done[slot], tid, __ATOMIC_SEQ_CST);
    errno = saved;
}

static int confine_has_done(int tid) {
    int n = __atomic_load_n(&confine_done_count, __ATOMIC_SEQ_CST);
    if (n > CONFINE_MAX_THREADS) n = CONFINE_MAX_THREADS;
    for (int i = 0; i < n; i++) {
        if (__atomic_load_n(&confine_done[i], __ATOMIC_SEQ_CST) == tid) return 1;
    }
    return 0;
}

static long long now_millis(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Signals every thread not signalled yet and waits for them all. Returns the number newly signalled, or -1
 * with errno and *step set (a thread that never ran its handler within the deadline: ETIMEDOUT). */
static int confine_pass(int *sent, int *nsent, int self, long long deadline, const char **step, int *stuck_tid) {
    int pid = getpid();
    DIR *dir = opendir("/proc/self/task");
    if (dir == NULL) { *step = "open /proc/self/task"; return -1; }
    int first_new = *nsent;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        int tid = atoi(e->d_name);
        if (tid <= 0 || tid == self) continue;
        int known = 0;
        for (int i = 0; i < *nsent; i++) {
            if (sent[i] == tid) { known = 1; break; }
        }
        if (known) continue;
        if (*nsent >= CONFINE_MAX_THREADS) { closedir(dir); *step = "too many threads"; errno = E2BIG; return -1; }
        if (syscall(SYS_tgkill, pid, tid, SIGRTMAX - 3) < 0) {
            if (errno == ESRCH) continue; /* it has exited */
            int err = errno;
            closedir(dir);
            *step = "tgkill";
            errno = err;
            return -1;
        }
        sent[(*nsent)++] = tid;
    }
    closedir(dir);
    for (int i = first_new; i < *nsent; i++) {
        while (!confine_has_done(sent[i])) {
            if (syscall(SYS_tgkill, pid, sent[i], 0) < 0 && errno == ESRCH) break; /* exited before its handler ran */
            if (now_millis() > deadline) {
                *stuck_tid = sent[i];
                *step = "a thread did not take the container's identity in time";
                errno = ETIMEDOUT;
                return -1;
            }
            struct timespec pause = {0, 200 * 1000};
            nanosleep(&pause, NULL);
        }
    }
    return *nsent - first_new;
}

/*
 * caps: null (keep all) or 5 masks: bounding, effective, permitted, inheritable, ambient. For an in-process
 * workload the caller passes the sets a native program would hold after execve (the kernel's execve rules
 * applied by the Java side), since no execve will compute them.
 */
JNIEXPORT void JNI_FN(confineProcess)(JNIEnv *env, jclass cls, jint uid, jint gid, jintArray jgroups,
                                      jlongArray jcaps, jboolean noNewPrivs, jbyteArray jseccomp,
                                      jint seccompFlags, jint timeoutMillis) {
    (void)cls;
    struct credentials creds;
    memset(&creds, 0, sizeof creds);
    const char *step = "confine";
    int stuck_tid = 0;
    int err = read_credentials(env, &creds, uid, gid, jgroups, jcaps, noNewPrivs, jseccomp, seccompFlags);
    if (err != 0) { throw_errno(env, "confine: credentials", err); free(creds.filter); return; }
    int *sent = malloc(sizeof(int) * CONFINE_MAX_THREADS);
    if (sent == NULL) { throw_errno(env, "confine", ENOMEM); free(creds.filter); return; }
    int nsent = 0;

    pthread_mutex_lock(&confine_lock);
    confine_creds = &creds;
    confine_err = 0;
    confine_step = NULL;
    confine_done_count = 0;
    struct sigaction act, old;
    memset(&act, 0, sizeof act);
    act.sa_handler = confine_handler;
    act.sa_flags = SA_RESTART;
    sigfillset(&act.sa_mask);
    if (sigaction(SIGRTMAX - 3, &act, &old) < 0) { err = errno; step = "sigaction"; goto out; }

    /* Without no_new_privs the filter needs CAP_SYS_ADMIN: then it goes first, to every thread at once. */
    if (filter_goes_first(&creds)) {
        step = "seccomp (every thread)";
        if (install_filter(&creds, SECCOMP_FILTER_FLAG_TSYNC) < 0) { err = errno; goto restore; }
    }
    long long deadline = now_millis() + timeoutMillis;
    int self = (int)syscall(SYS_gettid);
    for (;;) {
        int n = confine_pass(sent, &nsent, self, deadline, &step, &stuck_tid);
        if (n < 0) { err = errno; goto restore; }
        if (confine_err != 0) { err = confine_err; step = confine_step; stuck_tid = confine_err_tid; goto restore; }
        if (n == 0) break;
    }
    if (apply_credentials(&creds, &step) < 0) { err = errno; goto restore; }
restore:
    sigaction(SIGRTMAX - 3, &old, NULL);
    /* Last, so that the filter only has to allow what the workload and the JVM do from now on. */
    if (err == 0 && creds.filter != NULL && !creds.filter_installed) {
        step = "seccomp (every thread)";
        if (install_filter(&creds, SECCOMP_FILTER_FLAG_TSYNC) < 0) err = errno;
    }
out:
    confine_creds = NULL;
    pthread_mutex_unlock(&confine_lock);
    free(sent);
    free(creds.filter);
    if (err != 0) {
        char what[160];
        if (stuck_tid != 0) snprintf(what, sizeof what, "confine: %s (thread %d)", step, stuck_tid);
        else snprintf(what, sizeof what, "confine: %s", step);
        throw_errno(env, what, err);
    }
}

/* ---------- cgroup v2 device filters (eBPF) ---------- */

static long sys_bpf(int cmd, union bpf_attr *attr) {
    return syscall(SYS_bpf, cmd, attr, sizeof *attr);
}

/* Loads a BPF_PROG_TYPE_CGROUP_DEVICE program (eBPF instructions, 8 bytes each); returns its fd. The verifier's
 * log goes into the exception, so a rejected program says why. */
JNIEXPORT jint JNI_FN(bpfLoadDeviceFilter)(JNIEnv *env, jclass cls, jbyteArray jinsns) {
    (void)cls;
    jsize len = (*env)->GetArrayLength(env, jinsns);
    void *insns = malloc((size_t)len);
    char *log = malloc(16384);
    if (insns == NULL || log == NULL) { free(insns); free(log); throw_errno(env, "bpf(BPF_PROG_LOAD)", ENOMEM); return -1; }
    (*env)->GetByteArrayRegion(env, jinsns, 0, len, insns);
    log[0] = 0;
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insns = (uint64_t)(uintptr_t)insns;
    attr.insn_cnt = (uint32_t)(len / 8);
    attr.license = (uint64_t)(uintptr_t)"Apache-2.0";
    attr.log_buf = (uint64_t)(uintptr_t)log;
    attr.log_size = 16384;
    attr.log_level = 1;
    int fd = (int)sys_bpf(BPF_PROG_LOAD, &attr);
    int err = errno;
    if (fd < 0) {
        char what[512];
        snprintf(what, sizeof what, "bpf(BPF_PROG_LOAD) of a device filter%s%.400s", log[0] ? ": " : "", log);
        throw_errno(env, what, err);
    } else {
        fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    free(insns);
    free(log);
    return fd;
}

/* Attaches the device filter progFd to the cgroup directory cgroupFd (BPF_F_ALLOW_MULTI, as runc: a parent's
 * filters keep applying), then detaches the other device filters attached to this very cgroup, so that an
 * update replaces the rules instead of adding to them. */
JNIEXPORT void JNI_FN(bpfAttachDeviceFilter)(JNIEnv *env, jclass cls, jint cgroupFd, jint progFd) {
    (void)cls;
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.target_fd = (uint32_t)cgroupFd;
    attr.attach_bpf_fd = (uint32_t)progFd;
    attr.attach_type = BPF_CGROUP_DEVICE;
    attr.attach_flags = BPF_F_ALLOW_MULTI;
    if (sys_bpf(BPF_PROG_ATTACH, &attr) < 0) { throw_errno(env, "bpf(BPF_PROG_ATTACH) of a device filter", errno); return; }

    memset(&attr, 0, sizeof attr);
    attr.info.bpf_fd = (uint32_t)progFd;
    struct bpf_prog_info info;
    memset(&info, 0, sizeof info);
    attr.info.info = (uint64_t)(uintptr_t)&info;
    attr.info.info_len = sizeof info;
    if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr) < 0) { throw_errno(env, "bpf(BPF_OBJ_GET_INFO_BY_FD)", errno); return; }
    uint32_t mine = info.id;

    uint32_t ids[64];
    memset(&attr, 0, sizeof attr);
    attr.query.target_fd = (uint32_t)cgroupFd;
    attr.query.attach_type = BPF_CGROUP_DEVICE;
    attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
    attr.query.prog_cnt = 64;
    if (sys_bpf(BPF_PROG_QUERY, &attr) < 0) { throw_errno(env, "bpf(BPF_PROG_QUERY)", errno); return; }
    uint32_t count = attr.query.prog_cnt;
    for (uint32_t i = 0; i < count && i < 64; i++) {
        if (ids[i] == mine) continue;
        union bpf_attr get;
        memset(&get, 0, sizeof get);
        get.prog_id = ids[i];
        int old = (int)sys_bpf(BPF_PROG_GET_FD_BY_ID, &get);
        if (old < 0) continue; /* gone meanwhile */
        union bpf_attr detach;
        memset(&detach, 0, sizeof detach);
        detach.target_fd = (uint32_t)cgroupFd;
        detach.attach_bpf_fd = (uint32_t)old;
        detach.attach_type = BPF_CGROUP_DEVICE;
        long r = sys_bpf(BPF_PROG_DETACH, &detach);
        int err = errno;
        close(old);
        if (r < 0 && err != ENOENT) { throw_errno(env, "bpf(BPF_PROG_DETACH) of the previous device filter", err); return; }
    }
}

/* ---------- thin wrappers ---------- */

#define WITH_PATH(var, jvar, on_null)                   \
    char *var = dup_string(env, jvar);                  \
    if (jvar != NULL && var == NULL) { on_null; }

JNIEXPORT jintArray JNI_FN(socketpair)(JNIEnv *env, jclass cls) {
    (void)cls;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        throw_errno(env, "socketpair", errno);
        return NULL;
    }
    jintArray out = (*env)->NewIntArray(env, 2);
    if (out != NULL) (*env)->SetIntArrayRegion(env, out, 0, 2, sv);
    return out;
}

JNIEXPORT jintArray JNI_FN(pipe)(JNIEnv *env, jclass cls) {
    (void)cls;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) {
        throw_errno(env, "pipe2", errno);
        return NULL;
    }
    jintArray out = (*env)->NewIntArray(env, 2);
    if (out != NULL) (*env)->SetIntArrayRegion(env, out, 0, 2, fds);
    return out;
}

JNIEXPORT jint JNI_FN(read)(JNIEnv *env, jclass cls, jint fd, jbyteArray buf, jint off, jint len) {
    (void)cls;
    char tmp[8192];
    if (len > (jint)sizeof tmp) len = sizeof tmp;
    ssize_t n;
    do { n = read(fd, tmp, (size_t)len); } while (n < 0 && errno == EINTR);
    if (n < 0) { throw_errno(env, "read", errno); return -1; }
    (*env)->SetByteArrayRegion(env, buf, off, (jsize)n, (jbyte *)tmp);
    return (jint)n;
}

JNIEXPORT jint JNI_FN(write)(JNIEnv *env, jclass cls, jint fd, jbyteArray buf, jint off, jint len) {
    (void)cls;
    char tmp[8192];
    if (len > (jint)sizeof tmp) len = sizeof tmp;
    (*env)->GetByteArrayRegion(env, buf, off, len, (jbyte *)tmp);
    ssize_t n;
    do { n = write(fd, tmp, (size_t)len); } while (n < 0 && errno == EINTR);
    if (n < 0) { throw_errno(env, "write", errno); return -1; }
    return (jint)n;
}

JNIEXPORT void JNI_FN(close)(JNIEnv *env, jclass cls, jint fd) {
    (void)cls;
    if (close(fd) < 0 && errno != EINTR) throw_errno(env, "close", errno);
}

JNIEXPORT jint JNI_FN(dup)(JNIEnv *env, jclass cls, jint fd) {
    (void)cls;
    int r = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (r < 0) throw_errno(env, "dup", errno);
    return r;
}

JNIEXPORT void JNI_FN(dup2)(JNIEnv *env, jclass cls, jint from, jint to) {
    (void)cls;
    if (dup2(from, to) < 0) throw_errno(env, "dup2", errno);
}

JNIEXPORT jint JNI_FN(open)(JNIEnv *env, jclass cls, jstring jpath, jint flags, jint mode) {
    (void)cls;
    WITH_PATH(path, jpath, return -1);
    int fd = open(path, flags | O_CLOEXEC, mode);
    int err = errno;
    free(path);
    if (fd < 0) throw_errno(env, "open", err);
    return fd;
}

JNIEXPORT void JNI_FN(mkfifo)(JNIEnv *env, jclass cls, jstring jpath, jint mode) {
    (void)cls;
    WITH_PATH(path, jpath, return);
    int r = mkfifo(path, (mode_t)mode);
    int err = errno;
    free(path);
    if (r < 0) throw_errno(env, "mkfifo", err);
}

JNIEXPORT jint JNI_FN(poll)(JNIEnv *env, jclass cls, jint fd, jint events, jint timeoutMillis) {
    (void)cls;
    struct pollfd p = {fd, (short)events, 0};
    int r;
    do { r = poll(&p, 1, timeoutMillis); } while (r < 0 && errno == EINTR);
    if (r < 0) { throw_errno(env, "poll", errno); return -1; }
    return r == 0 ? 0 : p.revents;
}

/* Every thread of every process of the group (setpriority's PRIO_PGRP walks threads): one call for a whole JVM. */
JNIEXPORT void JNI_FN(setGroupPriority)(JNIEnv *env, jclass cls, jint pgid, jint niceness) {
    (void)cls;
    if (setpriority(PRIO_PGRP, (id_t)pgid, niceness) < 0) throw_errno(env, "setpriority", errno);
}

JNIEXPORT void JNI_FN(kill)(JNIEnv *env, jclass cls, jint pid, jint sig) {
    (void)cls;
    if (kill(pid, sig) < 0) throw_errno(env, "kill", errno);
}

JNIEXPORT jlong JNI_FN(waitpid)(JNIEnv *env, jclass cls, jint pid, jint options) {
    (void)cls;
    int status = 0;
    pid_t r;
    do { r = waitpid(pid, &status, options | __WALL); } while (r < 0 && errno == EINTR);
    if (r < 0) { throw_errno(env, "waitpid", errno); return -1; }
    return ((jlong)r << 32) | (uint32_t)status;
}

JNIEXPORT jint JNI_FN(pidfdOpen)(JNIEnv *env, jclass cls, jint pid) {
    (void)cls;
    long fd = syscall(SYS_pidfd_open, pid, 0);
    if (fd < 0) { throw_errno(env, "pidfd_open", errno); return -1; }
    fcntl((int)fd, F_SETFD, FD_CLOEXEC);
    return (jint)fd;
}

JNIEXPORT void JNI_FN(pidfdSendSignal)(JNIEnv *env, jclass cls, jint pidfd, jint sig) {
    (void)cls;
    if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0) throw_errno(env, "pidfd_send_signal", errno);
}

JNIEXPORT void JNI_FN(mount)(JNIEnv *env, jclass cls, jstring jsrc, jstring jtarget, jstring jtype, jlong flags,
                             jstring jdata) {
    (void)cls;
    char *src = dup_string(env, jsrc);
    char *target = dup_string(env, jtarget);
    char *type = dup_string(env, jtype);
    char *data = dup_string(env, jdata);
    int r = mount(src, target, type, (unsigned long)flags, data);
    int err = errno;
    free(src);
    free(target);
    free(type);
    free(data);
    if (r < 0) throw_errno(env, "mount", err);
}

JNIEXPORT void JNI_FN(umount2)(JNIEnv *env, jclass cls, jstring jtarget, jint flags) {
    (void)cls;
    WITH_PATH(target, jtarget, return);
    int r = umount2(target, flags);
    int err = errno;
    free(target);
    if (r < 0) throw_errno(env, "umount2", err);
}

/* open_tree(2) and move_mount(2): the same numbers on every architecture (Linux 5.2). */
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#define WASMJ_OPEN_TREE_CLONE 1
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#define WASMJ_MOVE_MOUNT_F_EMPTY_PATH 0x00000004

/* A detached copy of the mount tree at path (recursive, close-on-exec): a mount another namespace can attach. */
JNIEXPORT jint JNI_FN(openTreeClone)(JNIEnv *env, jclass cls, jstring jpath) {
    (void)cls;
    WITH_PATH(path, jpath, return -1);
    long fd = syscall(SYS_open_tree, AT_FDCWD, path, WASMJ_OPEN_TREE_CLONE | O_CLOEXEC | AT_RECURSIVE);
    int err = errno;
    free(path);
    if (fd < 0) { throw_errno(env, "open_tree", err); return -1; }
    return (jint)fd;
}

/* Attaches the detached tree fd at target, in the caller's mount namespace. */
JNIEXPORT void JNI_FN(moveMount)(JNIEnv *env, jclass cls, jint fd, jstring jtarget) {
    (void)cls;
    WITH_PATH(target, jtarget, return);
    long r = syscall(SYS_move_mount, fd, "", AT_FDCWD, target, WASMJ_MOVE_MOUNT_F_EMPTY_PATH);
    int err = errno;
    free(target);
    if (r < 0) throw_errno(env, "move_mount", err);
}

JNIEXPORT void JNI_FN(pivotRoot)(JNIEnv *env, jclass cls, jstring jnew, jstring jold) {
    (void)cls;
    char *new_root = dup_string(env, jnew);
    char *put_old = dup_string(env, jold);
    long r = syscall(SYS_pivot_root, new_root, put_old);
    int err = errno;
    free(new_root);
    free(put_old);
    if (r < 0) throw_errno(env, "pivot_root", err);
}

JNIEXPORT void JNI_FN(chdir)(JNIEnv *env, jclass cls, jstring jpath) {
    (void)cls;
    WITH_PATH(path, jpath, return);
    int r = chdir(path);
    int err = errno;
    free(path);
    if (r < 0) throw_errno(env, "chdir", err);
}

JNIEXPORT void JNI_FN(sethostname)(JNIEnv *env, jclass cls, jstring jname) {
    (void)cls;
    WITH_PATH(name, jname, return);
    int r = sethostname(name, strlen(name));
    int err = errno;
    free(name);
    if (r < 0) throw_errno(env, "sethostname", err);
}

JNIEXPORT void JNI_FN(setdomainname)(JNIEnv *env, jclass cls, jstring jname) {
    (void)cls;
    WITH_PATH(name, jname, return);
    int r = setdomainname(name, strlen(name));
    int err = errno;
    free(name);
    if (r < 0) throw_errno(env, "setdomainname", err);
}

JNIEXPORT void JNI_FN(mknod)(JNIEnv *env, jclass cls, jstring jpath, jint mode, jint major, jint minor) {
    (void)cls;
    WITH_PATH(path, jpath, return);
    int r = mknod(path, (mode_t)mode, makedev((unsigned)major, (unsigned)minor));
    int err = errno;
    free(path);
    if (r < 0) throw_errno(env, "mknod", err);
}

JNIEXPORT void JNI_FN(setns)(JNIEnv *env, jclass cls, jint fd, jint nstype) {
    (void)cls;
    if (setns(fd, nstype) < 0) throw_errno(env, "setns", errno);
}

JNIEXPORT void JNI_FN(unshare)(JNIEnv *env, jclass cls, jint flags) {
    (void)cls;
    if (unshare(flags) < 0) throw_errno(env, "unshare", errno);
}

JNIEXPORT jint JNI_FN(prctl)(JNIEnv *env, jclass cls, jint option, jlong a2, jlong a3, jlong a4, jlong a5) {
    (void)cls;
    int r = prctl(option, (unsigned long)a2, (unsigned long)a3, (unsigned long)a4, (unsigned long)a5);
    if (r < 0) throw_errno(env, "prctl", errno);
    return r;
}

JNIEXPORT void JNI_FN(setrlimit)(JNIEnv *env, jclass cls, jint resource, jlong soft, jlong hard) {
    (void)cls;
    struct rlimit lim = {(rlim_t)soft, (rlim_t)hard};
    if (prlimit(0, resource, &lim, NULL) < 0) throw_errno(env, "setrlimit", errno);
}

JNIEXPORT jint JNI_FN(getpid)(JNIEnv *env, jclass cls) {
    (void)env;
    (void)cls;
    return getpid();
}

JNIEXPORT jint JNI_FN(gettid)(JNIEnv *env, jclass cls) {
    (void)env;
    (void)cls;
    return (jint)syscall(SYS_gettid);
}

JNIEXPORT void JNI_FN(umask)(JNIEnv *env, jclass cls, jint mask) {
    (void)env;
    (void)cls;
    umask((mode_t)mask);
}

/* Sends one fd over a unix socket as SCM_RIGHTS (runc's --console-socket protocol), with a name. */
JNIEXPORT void JNI_FN(sendFd)(JNIEnv *env, jclass cls, jint sock, jint fd, jstring jname) {
    (void)cls;
    WITH_PATH(name, jname, return);
    char control[CMSG_SPACE(sizeof(int))];
    memset(control, 0, sizeof control);
    struct iovec iov = {name, strlen(name)};
    struct msghdr msg = {0};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    ssize_t r = sendmsg(sock, &msg, MSG_NOSIGNAL);
    int err = errno;
    free(name);
    if (r < 0) throw_errno(env, "sendmsg", err);
}

/* Receives one fd sent with SCM_RIGHTS; returns it (close-on-exec). */
JNIEXPORT jint JNI_FN(recvFd)(JNIEnv *env, jclass cls, jint sock) {
    (void)cls;
    char buf[4096];
    char control[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {buf, sizeof buf};
    struct msghdr msg = {0};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t r;
    do { r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC); } while (r < 0 && errno == EINTR);
    if (r < 0) { throw_errno(env, "recvmsg", errno); return -1; }
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    if (cmsg == NULL || cmsg->cmsg_type != SCM_RIGHTS) { throw_errno(env, "recvmsg: no fd", EBADMSG); return -1; }
    int fd;
    memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
    return fd;
}

/* Sends several fds in one SCM_RIGHTS message with a payload (at most 4096 bytes): a claim of a pre-started init. */
JNIEXPORT void JNI_FN(sendFds)(JNIEnv *env, jclass cls, jint sock, jintArray jfds, jbyteArray jpayload) {
    (void)cls;
    jsize n = (*env)->GetArrayLength(env, jfds);
    jsize len = (*env)->GetArrayLength(env, jpayload);
    if (n < 1 || n > 64 || len < 1 || len > 4096) { throw_errno(env, "sendmsg: fds or payload out of range", EINVAL); return; }
    int fds[64];
    char payload[4096];
    (*env)->GetIntArrayRegion(env, jfds, 0, n, fds);
    (*env)->GetByteArrayRegion(env, jpayload, 0, len, (jbyte *)payload);
    union { char buf[CMSG_SPACE(sizeof fds)]; struct cmsghdr align; } control;
    memset(&control, 0, sizeof control);
    struct iovec iov = {payload, (size_t)len};
    struct msghdr msg = {0};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n);
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
    memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * (size_t)n);
    ssize_t r;
    do { r = sendmsg(sock, &msg, MSG_NOSIGNAL); } while (r < 0 && errno == EINTR);
    if (r < 0) { throw_errno(env, "sendmsg", errno); return; }
    /* The receiver reads the text as one message: a short send would cut it (a payload this small is not split). */
    if (r != (ssize_t)len) throw_errno(env, "sendmsg: sent only part of the message", EMSGSIZE);
}

/*
 * Receives one message sent by sendFds: its fds (close-on-exec) into fdsOut, the rest of fdsOut -1, its payload
 * into payload. Returns the payload's length, 0 when the other side closed the socket.
 */
JNIEXPORT jint JNI_FN(recvFds)(JNIEnv *env, jclass cls, jint sock, jintArray jfdsOut, jbyteArray jpayload) {
    (void)cls;
    char payload[4096];
    int fds[64];
    union { char buf[CMSG_SPACE(sizeof fds)]; struct cmsghdr align; } control;
    struct iovec iov = {payload, sizeof payload};
    struct msghdr msg = {0};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof control.buf;
    ssize_t r;
    do { r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC); } while (r < 0 && errno == EINTR);
    if (r < 0) { throw_errno(env, "recvmsg", errno); return -1; }
    int n = 0;
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    if (cmsg != NULL && cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS) {
        n = (int)((cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        memcpy(fds, CMSG_DATA(cmsg), sizeof(int) * (size_t)n);
    }
    jsize cap = (*env)->GetArrayLength(env, jfdsOut);
    jsize plen = (*env)->GetArrayLength(env, jpayload);
    if (n > cap || r > plen || (msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC))) {
        for (int i = 0; i < n; i++) close(fds[i]);
        throw_errno(env, "recvmsg: message larger than expected", EMSGSIZE);
        return -1;
    }
    for (jsize i = 0; i < cap; i++) {
        jint v = i < n ? fds[i] : -1;
        (*env)->SetIntArrayRegion(env, jfdsOut, i, 1, &v);
    }
    if (r > 0) (*env)->SetByteArrayRegion(env, jpayload, 0, (jsize)r, (jbyte *)payload);
    return (jint)r;
}

/* Opens a new pty pair; returns {master, slave}, both close-on-exec. */
JNIEXPORT jintArray JNI_FN(openpty)(JNIEnv *env, jclass cls) {
    (void)cls;
    int fds[2];
    if (openpty(&fds[0], &fds[1], NULL, NULL, NULL) < 0) {
        throw_errno(env, "openpty", errno);
        return NULL;
    }
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    jintArray out = (*env)->NewIntArray(env, 2);
    if (out != NULL) (*env)->SetIntArrayRegion(env, out, 0, 2, fds);
    return out;
}

/* Makes fd the controlling terminal of this (new) session. */
JNIEXPORT void JNI_FN(setControllingTerminal)(JNIEnv *env, jclass cls, jint fd) {
    (void)cls;
    if (ioctl(fd, TIOCSCTTY, 0) < 0) throw_errno(env, "ioctl(TIOCSCTTY)", errno);
}

/* Opens a pty pair of the devpts instance whose ptmx is ptmxPath and whose slaves are in ptsDir (the
 * container's own /dev/pts, seen from before pivot_root). Returns {master, slave}, both close-on-exec. */
JNIEXPORT jintArray JNI_FN(openPtyAt)(JNIEnv *env, jclass cls, jstring jptmx, jstring jptsDir) {
    (void)cls;
    char *ptmx = dup_string(env, jptmx);
    char *pts_dir = dup_string(env, jptsDir);
    int fds[2] = {-1, -1};
    const char *step = "open ptmx";
    int unlock = 0, n = -1;
    char slave_path[4096];
    fds[0] = open(ptmx, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fds[0] < 0) goto fail;
    step = "ioctl(TIOCSPTLCK)";
    if (ioctl(fds[0], TIOCSPTLCK, &unlock) < 0) goto fail;
    step = "ioctl(TIOCGPTN)";
    if (ioctl(fds[0], TIOCGPTN, &n) < 0) goto fail;
    snprintf(slave_path, sizeof slave_path, "%s/%d", pts_dir, n);
    step = "open pty slave";
    fds[1] = open(slave_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fds[1] < 0) goto fail;
    free(ptmx);
    free(pts_dir);
    jintArray out = (*env)->NewIntArray(env, 2);
    if (out != NULL) (*env)->SetIntArrayRegion(env, out, 0, 2, fds);
    return out;
fail:;
    int err = errno;
    if (fds[0] >= 0) close(fds[0]);
    free(ptmx);
    free(pts_dir);
    throw_errno(env, step, err);
    return NULL;
}

/* Opens a pty pair of the devpts instance at <root>/dev/pts, where root is a directory the caller does not trust
 * (a running container's root, seen through /proc/<pid>/root). The path is resolved by openat2 inside root
 * (RESOLVE_IN_ROOT: no symlink or ".." leaves it; no /proc magic links), the file must be ptmx (5:2) on a
 * devpts filesystem, and the slave comes from the master itself (TIOCGPTPEER), not from a path. Returns
 * {master, slave}, both close-on-exec. */
#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif
#ifndef DEVPTS_SUPER_MAGIC
#define DEVPTS_SUPER_MAGIC 0x1cd1
#endif
struct wasmj_open_how { uint64_t flags, mode, resolve; };
#define WASMJ_RESOLVE_NO_MAGICLINKS 0x02
#define WASMJ_RESOLVE_IN_ROOT 0x10
JNIEXPORT jintArray JNI_FN(openPtyIn)(JNIEnv *env, jclass cls, jstring jroot) {
    (void)cls;
    char *root_path = dup_string(env, jroot);
    int root = -1, fds[2] = {-1, -1}, unlock = 0, err = 0;
    const char *step = "open the container's root";
    struct stat st;
    struct statfs fs;
    root = open(root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0) goto fail;
    step = "openat2 dev/pts/ptmx in the container's root";
    struct wasmj_open_how how = {O_RDWR | O_NOCTTY | O_CLOEXEC, 0, WASMJ_RESOLVE_IN_ROOT | WASMJ_RESOLVE_NO_MAGICLINKS};
    fds[0] = (int)syscall(SYS_openat2, root, "dev/pts/ptmx", &how, sizeof how);
    if (fds[0] < 0) goto fail;
    step = "check dev/pts/ptmx (not a ptmx on devpts)";
    if (fstat(fds[0], &st) < 0 || fstatfs(fds[0], &fs) < 0) goto fail;
    if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 5 || minor(st.st_rdev) != 2 || fs.f_type != DEVPTS_SUPER_MAGIC) {
        errno = EPERM;
        goto fail;
    }
    step = "ioctl(TIOCSPTLCK)";
    if (ioctl(fds[0], TIOCSPTLCK, &unlock) < 0) goto fail;
    step = "ioctl(TIOCGPTPEER)";
    fds[1] = ioctl(fds[0], TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fds[1] < 0) goto fail;
    close(root);
    free(root_path);
    jintArray out = (*env)->NewIntArray(env, 2);
    if (out != NULL) (*env)->SetIntArrayRegion(env, out, 0, 2, fds);
    return out;
fail:
    err = errno;
    if (fds[0] >= 0) close(fds[0]);
    if (root >= 0) close(root);
    free(root_path);
    throw_errno(env, step, err);
    return NULL;
}

JNIEXPORT void JNI_FN(setWindowSize)(JNIEnv *env, jclass cls, jint fd, jint rows, jint cols) {
    (void)cls;
    struct winsize ws = {(unsigned short)rows, (unsigned short)cols, 0, 0};
    if (ioctl(fd, TIOCSWINSZ, &ws) < 0) throw_errno(env, "ioctl(TIOCSWINSZ)", errno);
}

/* A new unix stream socket (close-on-exec) and the address of path for it; -1 with an exception pending. */
static int unix_socket_for(JNIEnv *env, jstring jpath, struct sockaddr_un *addr) {
    WITH_PATH(path, jpath, return -1);
    memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof addr->sun_path) { free(path); throw_errno(env, "unix socket path", ENAMETOOLONG); return -1; }
    strcpy(addr->sun_path, path);
    free(path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw_errno(env, "socket", errno);
    return fd;
}

/* A connected unix stream socket (runc's --console-socket), close-on-exec. */
JNIEXPORT jint JNI_FN(connectUnix)(JNIEnv *env, jclass cls, jstring jpath) {
    (void)cls;
    struct sockaddr_un addr;
    int fd = unix_socket_for(env, jpath, &addr);
    if (fd < 0) return -1;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        int err = errno;
        close(fd);
        throw_errno(env, "connect", err);
        return -1;
    }
    return fd;
}

/* A listening unix stream socket at path (close-on-exec), for tools and tests that receive a console. */
JNIEXPORT jint JNI_FN(listenUnix)(JNIEnv *env, jclass cls, jstring jpath) {
    (void)cls;
    struct sockaddr_un addr;
    int fd = unix_socket_for(env, jpath, &addr);
    if (fd < 0) return -1;
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 64) < 0) {
        int err = errno;
        close(fd);
        throw_errno(env, "bind/listen", err);
        return -1;
    }
    return fd;
}

JNIEXPORT jint JNI_FN(accept)(JNIEnv *env, jclass cls, jint fd) {
    (void)cls;
    int r;
    do { r = accept4(fd, NULL, NULL, SOCK_CLOEXEC); } while (r < 0 && errno == EINTR);
    if (r < 0) throw_errno(env, "accept", errno);
    return r;
}
