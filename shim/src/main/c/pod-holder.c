/*
 * wasmj-pod-holder: what holds a pod's namespaces when the shim owns the pod (containerd 2.x, a CRI handler
 * with sandboxer = "shim"). containerd builds every container's namespace paths from /proc/<pid>/ns/ of
 * the pid the shim reports for the pod, so some process must live in them; this one is spawned by the shim
 * straight into them (new uts and ipc namespaces, the pod's network namespace, and a new pid namespace
 * when the pod shares one), instead of a pause container with its own rootfs, cgroup and runtime.
 *
 * Usage: wasmj-pod-holder HOSTNAME [KEY=VALUE]...   (HOSTNAME "" keeps the namespace's; KEY a sysctl such
 * as net.ipv4.ip_unprivileged_port_start, set in the pod's namespaces: /proc/sys shows the opener's own).
 * fd 3: the set-up result, "ok" or the reason it failed, then closed. Then it seals itself (see seal) and
 * waits: it reaps what is re-parented to it (it may be pid 1 of the pod's pid namespace) and exits 0 on
 * SIGTERM or SIGINT. The shim spawns it with a mount namespace of its own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <grp.h>
#include <linux/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void leave(int sig) {
    (void) sig;
    _exit(0);
}

static void reap(int sig) {
    (void) sig;
    int saved = errno;
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    errno = saved;
}

/* Writes the set-up result to fd 3 and closes it. */
static void report(const char *text) {
    size_t len = strlen(text);
    while (len > 0) {
        ssize_t n = write(3, text, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        text += n;
        len -= (size_t) n;
    }
    close(3);
}

/* key=value -> /proc/sys/<key with dots as slashes>; 0 or an errno. */
static int set_sysctl(const char *assignment, char *why, size_t why_len) {
    const char *eq = strchr(assignment, '=');
    if (eq == NULL || eq == assignment) {
        snprintf(why, why_len, "sysctl %s: not KEY=VALUE", assignment);
        return EINVAL;
    }
    char path[512];
    int n = snprintf(path, sizeof path, "/proc/sys/%.*s", (int) (eq - assignment), assignment);
    if (n < 0 || (size_t) n >= sizeof path) {
        snprintf(why, why_len, "sysctl %.*s: name too long", (int) (eq - assignment), assignment);
        return ENAMETOOLONG;
    }
    for (char *p = path + strlen("/proc/sys/"); *p; p++) {
        if (*p == '.') *p = '/';
    }
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    int err = 0;
    if (fd < 0) {
        err = errno;
    } else {
        const char *value = eq + 1;
        if (write(fd, value, strlen(value)) < 0) err = errno;
        close(fd);
    }
    if (err != 0) snprintf(why, why_len, "sysctl %s: %s", assignment, strerror(err));
    return err;
}

/*
 * After set-up the holder needs nothing of the host: it is spawned in a mount namespace of its own, where it
 * makes an empty read-only tmpfs its root, then drops every capability, becomes
 * nobody, and cannot regain privileges or be dumped. Containers that share its pid namespace see it as pid 1:
 * through /proc/1/root they would otherwise reach the host's filesystem (with CAP_SYS_PTRACE), and through
 * ptrace a root process with every capability.
 */
static int seal(char *why, size_t why_len) {
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
        snprintf(why, why_len, "make / private: %s", strerror(errno));
        return -1;
    }
    /* An empty tmpfs over /proc (a directory every host has; the holder needs no /proc of its own), made the
     * root with pivot_root(".", "."), the old root then detached: nothing of the host stays reachable. */
    if (mount("wasmj-pod-holder", "/proc", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=0555") != 0) {
        snprintf(why, why_len, "mount an empty root: %s", strerror(errno));
        return -1;
    }
    if (chdir("/proc") != 0 || syscall(SYS_pivot_root, ".", ".") != 0 || umount2(".", MNT_DETACH) != 0 || chdir("/") != 0) {
        snprintf(why, why_len, "enter the empty root: %s", strerror(errno));
        return -1;
    }
    mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
        snprintf(why, why_len, "prctl: %s", strerror(errno));
        return -1;
    }
    gid_t none[1] = {65534};
    if (setgroups(1, none) != 0 || setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0) {
        snprintf(why, why_len, "become nobody: %s", strerror(errno));
        return -1;
    }
    /* The uid change cleared the permitted and effective sets; clear what is left (bounding set aside). */
    struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2] = {{0}, {0}};
    if (syscall(SYS_capset, &header, data) != 0) {
        snprintf(why, why_len, "drop capabilities: %s", strerror(errno));
        return -1;
    }
    return 0;
}

int main(int argc, char **argv) {
    struct sigaction quit = {.sa_handler = leave};
    struct sigaction child = {.sa_handler = reap, .sa_flags = SA_NOCLDSTOP | SA_RESTART};
    sigaction(SIGTERM, &quit, NULL);
    sigaction(SIGINT, &quit, NULL);
    sigaction(SIGCHLD, &child, NULL);

    char why[600];
    if (argc < 2) {
        report("usage: wasmj-pod-holder HOSTNAME [KEY=VALUE]...");
        return 2;
    }
    if (argv[1][0] != '\0' && sethostname(argv[1], strlen(argv[1])) != 0) {
        snprintf(why, sizeof why, "sethostname %s: %s", argv[1], strerror(errno));
        report(why);
        return 1;
    }
    for (int i = 2; i < argc; i++) {
        if (set_sysctl(argv[i], why, sizeof why) != 0) {
            report(why);
            return 1;
        }
    }
    if (seal(why, sizeof why) != 0) {
        report(why);
        return 1;
    }
    report("ok");
    for (;;) pause();
}
