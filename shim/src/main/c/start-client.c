/*
 * wasmj-start: hands containerd's `start` of one container to the shim server that takes new groups of the
 * container's namespace (StartListener, docs/shim.md "Shared servers"), so that no JVM starts for the shim.
 *
 *   wasmj-start [-keep FILE] SOCKET ARGS...   (ARGS: start's arguments as containerd gave them; stdin: its options)
 *
 * Sends the working directory, ARGS, the environment and stdin; prints the server's answer on stdout and
 * exits 0; exits 3 when no server takes it (none listens, it is full, it went away): the launcher then starts
 * a server; exits 1 with the server's message on stderr when start failed there. With -keep, once stdin was read
 * and no server takes the start, stdin is written to FILE (made new, mode 0600) and the exit status is 4 instead
 * of 3, for the launcher's fallback: the launcher need not copy containerd's options to a file of its own first
 * (three processes fewer on every start), and reads FILE only after a 4. A terminal on stdin is no options.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_REQUEST (1 << 20)
#define REPLY_TIMEOUT_MS 30000
#define NOT_TAKEN 3
#define NOT_TAKEN_KEPT 4

extern char **environ;

struct buffer {
    char *data;
    size_t len, cap;
};

static int append(struct buffer *b, const void *data, size_t n) {
    if (b->len + n > MAX_REQUEST) return -1;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) cap *= 2;
        char *grown = realloc(b->data, cap);
        if (!grown) return -1;
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
    return 0;
}

static int append_field(struct buffer *b, const char *s) {
    return append(b, s, strlen(s) + 1); /* with its NUL */
}

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t) w;
    }
    return 0;
}

static const char *keep_file;
static struct buffer options;
static int stdin_read;

/* Not taken: what was read of stdin, and the rest of it, goes to the -keep file, so the caller still has it. */
static int not_taken(void) {
    if (!keep_file || !stdin_read) return NOT_TAKEN;
    int out = open(keep_file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (out < 0 && errno == EEXIST && unlink(keep_file) == 0) { /* left by a launcher of the same pid; never followed */
        out = open(keep_file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    }
    if (out < 0) return 1; /* containerd's options would be lost: fail this start rather than start without them */
    int ok = options.len == 0 || write_all(out, options.data, options.len) == 0;
    char chunk[8192];
    for (ssize_t n; ok && (n = read(0, chunk, sizeof chunk)) != 0;) {
        if (n < 0) {
            if (errno == EINTR) continue;
            ok = 0; /* part of the options only: not to be passed on as all of them */
            break;
        }
        ok = write_all(out, chunk, (size_t) n) == 0;
    }
    if (close(out) != 0 || !ok) {
        unlink(keep_file);
        return 1;
    }
    return NOT_TAKEN_KEPT;
}

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN); /* a server that closed without reading: a write error, and the fallback, not a death */
    if (argc >= 3 && strcmp(argv[1], "-keep") == 0) {
        keep_file = argv[2];
        argv += 2;
        argc -= 2;
    }
    if (argc < 3) {
        fprintf(stderr, "usage: wasmj-start [-keep FILE] SOCKET ARGS...\n");
        return 2;
    }
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(argv[1]) >= sizeof addr.sun_path) return NOT_TAKEN;
    strcpy(addr.sun_path, argv[1]);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *) &addr, sizeof addr) != 0) return NOT_TAKEN;

    struct buffer text = {0};
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) return NOT_TAKEN;
    int ok = append_field(&text, cwd) == 0;
    for (int i = 2; ok && i < argc; i++) ok = append_field(&text, argv[i]) == 0;
    ok = ok && append_field(&text, "") == 0;
    for (char **e = environ; ok && *e; e++) ok = append_field(&text, *e) == 0;
    char chunk[8192];
    stdin_read = !isatty(0); /* a terminal (a manual start from a shell) has no options to send */
    for (ssize_t n; ok && stdin_read && (n = read(0, chunk, sizeof chunk)) != 0;) {
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EBADF) break; /* no stdin: no options */
            ok = 0;
            break;
        }
        ok = append(&options, chunk, (size_t) n) == 0;
    }
    if (!ok) return not_taken();
    uint32_t len = htonl((uint32_t) text.len);
    if (write_all(fd, (const char *) &len, 4) || write_all(fd, text.data, text.len)
            || (options.len && write_all(fd, options.data, options.len))) {
        return not_taken();
    }
    shutdown(fd, SHUT_WR);

    struct buffer reply = {0};
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long left = REPLY_TIMEOUT_MS - ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000);
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (left <= 0 || poll(&p, 1, (int) left) <= 0) {
            if (left > 0 && errno == EINTR) continue;
            return not_taken(); /* no answer in time */
        }
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        if (append(&reply, chunk, (size_t) n)) return not_taken();
    }
    if (reply.len == 0) return not_taken(); /* the server went away */
    switch (reply.data[0]) {
    case 'A':
        return write_all(1, reply.data + 1, reply.len - 1) ? 1 : 0;
    case 'E':
        write_all(2, reply.data + 1, reply.len - 1);
        write_all(2, "\n", 1);
        return 1;
    default: /* 'F': full, or another build's server */
        return not_taken();
    }
}
