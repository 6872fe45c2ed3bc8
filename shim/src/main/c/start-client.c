/*
 * wasmj-start: hands containerd's `start` of one container to the shim server that takes new groups of the
 * container's namespace (StartListener, docs/shim.md "Shared servers"), so that no JVM starts for the shim.
 *
 *   wasmj-start SOCKET ARGS...   (ARGS: start's arguments as containerd gave them; stdin: its options)
 *
 * Sends the working directory, ARGS, the environment and stdin; prints the server's answer on stdout and
 * exits 0; exits 3 when no server takes it (none listens, it is full, it went away): the launcher then starts
 * a server; exits 1 with the server's message on stderr when start failed there.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
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

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: wasmj-start SOCKET ARGS...\n");
        return 2;
    }
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(argv[1]) >= sizeof addr.sun_path) return NOT_TAKEN;
    strcpy(addr.sun_path, argv[1]);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *) &addr, sizeof addr) != 0) return NOT_TAKEN;

    struct buffer text = {0}, options = {0};
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) return NOT_TAKEN;
    int ok = append_field(&text, cwd) == 0;
    for (int i = 2; ok && i < argc; i++) ok = append_field(&text, argv[i]) == 0;
    ok = ok && append_field(&text, "") == 0;
    for (char **e = environ; ok && *e; e++) ok = append_field(&text, *e) == 0;
    char chunk[8192];
    for (ssize_t n; ok && (n = read(0, chunk, sizeof chunk)) != 0;) {
        if (n < 0) {
            if (errno == EINTR) continue;
            break; /* no stdin: no options */
        }
        ok = append(&options, chunk, (size_t) n) == 0;
    }
    if (!ok) return NOT_TAKEN;
    uint32_t len = htonl((uint32_t) text.len);
    if (write_all(fd, (const char *) &len, 4) || write_all(fd, text.data, text.len)
            || (options.len && write_all(fd, options.data, options.len))) {
        return NOT_TAKEN;
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
            return NOT_TAKEN; /* no answer in time */
        }
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        if (append(&reply, chunk, (size_t) n)) return NOT_TAKEN;
    }
    if (reply.len == 0) return NOT_TAKEN; /* the server went away */
    switch (reply.data[0]) {
    case 'A':
        return write_all(1, reply.data + 1, reply.len - 1) ? 1 : 0;
    case 'E':
        write_all(2, reply.data + 1, reply.len - 1);
        write_all(2, "\n", 1);
        return 1;
    default: /* 'F': full, or another build's server */
        return NOT_TAKEN;
    }
}
