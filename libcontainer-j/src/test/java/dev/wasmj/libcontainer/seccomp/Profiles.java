package dev.wasmj.libcontainer.seccomp;

import dev.wasmj.oci.runtime.LinuxSeccomp;
import dev.wasmj.oci.runtime.LinuxSeccompArg;
import dev.wasmj.oci.runtime.LinuxSyscall;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Builders for seccomp profiles in tests, and the constants a test checks filter results against. */
final class Profiles {
    // linux/seccomp.h
    static final int RET_KILL_PROCESS = 0x80000000;
    static final int RET_KILL_THREAD = 0x00000000;
    static final int RET_TRAP = 0x00030000;
    static final int RET_ERRNO = 0x00050000;
    static final int RET_TRACE = 0x7ff00000;
    static final int RET_LOG = 0x7ffc0000;
    static final int RET_ALLOW = 0x7fff0000;
    // linux/audit.h
    static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    static final int AUDIT_ARCH_I386 = 0x40000003;
    static final int AUDIT_ARCH_AARCH64 = 0xC00000B7;
    static final int AUDIT_ARCH_ARM = 0x40000028;

    private Profiles() {}

    static LinuxSeccomp profile(String defaultAction, LinuxSyscall... rules) {
        LinuxSeccomp p = new LinuxSeccomp();
        p.setDefaultAction(defaultAction);
        p.setSyscalls(new ArrayList<>(Arrays.asList(rules)));
        return p;
    }

    static LinuxSyscall rule(String action, String... names) {
        LinuxSyscall r = new LinuxSyscall();
        r.setAction(action);
        r.setNames(new ArrayList<>(Arrays.asList(names)));
        return r;
    }

    static LinuxSyscall errno(int errnoRet, String... names) {
        LinuxSyscall r = rule("SCMP_ACT_ERRNO", names);
        r.setErrnoRet(errnoRet);
        return r;
    }

    static LinuxSyscall withArgs(LinuxSyscall rule, LinuxSeccompArg... args) {
        rule.setArgs(new ArrayList<>(Arrays.asList(args)));
        return rule;
    }

    static LinuxSeccompArg arg(int index, String op, long value) {
        LinuxSeccompArg a = new LinuxSeccompArg();
        a.setIndex(index);
        a.setOp(op);
        a.setValue(value);
        return a;
    }

    static LinuxSeccompArg masked(int index, long mask, long want) {
        LinuxSeccompArg a = arg(index, "SCMP_CMP_MASKED_EQ", mask);
        a.setValueTwo(want);
        return a;
    }

    /**
     * A profile shaped like Docker's default: errno EPERM by default, one rule allowing some 330 names of all
     * architectures (so many are unknown on any one of them), plus Docker's argument rules.
     */
    static LinuxSeccomp dockerLike() {
        LinuxSeccomp p = profile("SCMP_ACT_ERRNO", rule("SCMP_ACT_ALLOW", DOCKER_ALLOWED.split("\\s+")));
        p.setDefaultErrnoRet(1);
        p.setArchitectures(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"));
        List<LinuxSyscall> rules = p.getSyscalls();
        for (long persona : new long[] {0, 8, 131072, 131080, 4294967295L}) {
            rules.add(withArgs(rule("SCMP_ACT_ALLOW", "personality"), arg(0, "SCMP_CMP_EQ", persona)));
        }
        rules.add(withArgs(rule("SCMP_ACT_ALLOW", "socket"), arg(0, "SCMP_CMP_NE", 40)));
        rules.add(withArgs(rule("SCMP_ACT_ALLOW", "clone"), masked(0, 2114060288L, 0)));
        rules.add(errno(38, "clone3"));
        rules.add(rule("SCMP_ACT_ALLOW", "arch_prctl", "modify_ldt"));
        rules.add(rule("SCMP_ACT_ALLOW", "arm_fadvise64_64", "arm_sync_file_range", "breakpoint", "cacheflush",
                "set_tls", "sync_file_range2"));
        return p;
    }

    static final String DOCKER_ALLOWED = String.join(" ",
            "accept accept4 access adjtimex alarm bind brk cachestat capget capset chdir chmod chown chown32",
            "clock_adjtime clock_adjtime64 clock_getres clock_getres_time64 clock_gettime clock_gettime64",
            "clock_nanosleep clock_nanosleep_time64 close close_range connect copy_file_range creat dup dup2 dup3",
            "epoll_create epoll_create1 epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2 epoll_wait epoll_wait_old",
            "eventfd eventfd2 execve execveat exit exit_group faccessat faccessat2 fadvise64 fadvise64_64",
            "fallocate fanotify_mark fchdir fchmod fchmodat fchmodat2 fchown fchown32 fchownat fcntl fcntl64",
            "fdatasync fgetxattr flistxattr flock fork fremovexattr fsetxattr fstat fstat64 fstatat64 fstatfs",
            "fstatfs64 fsync ftruncate ftruncate64 futex futex_requeue futex_time64 futex_wait futex_waitv",
            "futex_wake futimesat getcpu getcwd getdents getdents64 getegid getegid32 geteuid geteuid32 getgid",
            "getgid32 getgroups getgroups32 getitimer getpeername getpgid getpgrp getpid getppid getpriority",
            "getrandom getresgid getresgid32 getresuid getresuid32 getrlimit get_robust_list getrusage getsid",
            "getsockname getsockopt get_thread_area gettid gettimeofday getuid getuid32 getxattr",
            "inotify_add_watch inotify_init inotify_init1 inotify_rm_watch io_cancel ioctl io_destroy",
            "io_getevents io_pgetevents io_pgetevents_time64 ioprio_get ioprio_set io_setup io_submit ipc kill",
            "landlock_add_rule landlock_create_ruleset landlock_restrict_self lchown lchown32 lgetxattr link",
            "linkat listen listxattr llistxattr _llseek lremovexattr lseek lsetxattr lstat lstat64 madvise",
            "map_shadow_stack membarrier memfd_create memfd_secret mincore mkdir mkdirat mknod mknodat mlock",
            "mlock2 mlockall mmap mmap2 mprotect mq_getsetattr mq_notify mq_open mq_timedreceive",
            "mq_timedreceive_time64 mq_timedsend mq_timedsend_time64 mq_unlink mremap msgctl msgget msgrcv",
            "msgsnd msync munlock munlockall munmap name_to_handle_at nanosleep newfstatat _newselect open",
            "openat openat2 pause pidfd_open pidfd_send_signal pipe pipe2 pkey_alloc pkey_free pkey_mprotect",
            "poll ppoll ppoll_time64 prctl pread64 preadv preadv2 prlimit64 process_mrelease pselect6",
            "pselect6_time64 pwrite64 pwritev pwritev2 read readahead readlink readlinkat readv recv recvfrom",
            "recvmmsg recvmmsg_time64 recvmsg remap_file_pages removexattr rename renameat renameat2",
            "restart_syscall rmdir rseq rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn",
            "rt_sigsuspend rt_sigtimedwait rt_sigtimedwait_time64 rt_tgsigqueueinfo sched_getaffinity",
            "sched_getattr sched_getparam sched_get_priority_max sched_get_priority_min sched_getscheduler",
            "sched_rr_get_interval sched_rr_get_interval_time64 sched_setaffinity sched_setattr sched_setparam",
            "sched_setscheduler sched_yield seccomp select semctl semget semop semtimedop semtimedop_time64 send",
            "sendfile sendfile64 sendmmsg sendmsg sendto setfsgid setfsgid32 setfsuid setfsuid32 setgid setgid32",
            "setgroups setgroups32 setitimer setpgid setpriority setregid setregid32 setresgid setresgid32",
            "setresuid setresuid32 setreuid setreuid32 setrlimit set_robust_list setsid setsockopt",
            "set_thread_area set_tid_address setuid setuid32 setxattr shmat shmctl shmdt shmget shutdown",
            "sigaltstack signalfd signalfd4 sigprocmask sigreturn socketcall socketpair splice stat stat64",
            "statfs statfs64 statx symlink symlinkat sync sync_file_range syncfs sysinfo tee tgkill time",
            "timer_create timer_delete timer_getoverrun timer_gettime timer_gettime64 timer_settime",
            "timer_settime64 timerfd_create timerfd_gettime timerfd_gettime64 timerfd_settime timerfd_settime64",
            "times tkill truncate truncate64 ugetrlimit umask uname unlink unlinkat utime utimensat",
            "utimensat_time64 utimes vfork vmsplice wait4 waitid waitpid write writev");
}
