/*
 * The integration tests' Wasm program (WASI preview 1, built by the tests with Debian's clang and
 * wasi-libc). argv[1] picks what it does, so one image serves every test:
 *   args                 print each argument on its own line, as [arg]
 *   env NAME...          print NAME=value for each NAME (or NAME unset)
 *   exit N               exit with status N
 *   cat FILE             copy FILE to stdout
 *   write FILE TEXT      write TEXT to FILE, then read it back to stdout
 *   stdin                copy stdin to stdout, then print how many bytes
 *   stderr OUT ERR       print OUT on stdout and ERR on stderr
 *   sleep                print "ready", then sleep forever (blocked in a WASI call)
 *   spin                 print "ready", then spin forever (never calls out of the module)
 *   alloc MIB            allocate and touch MIB mebibytes, 1 MiB at a time, printing each 16
 *   primes N             count the primes below N and say how long that took (the benchmark's
 *                        CPU-bound workload)
 *   tty                  print whether fds 0-2 are terminals (isatty), then read one line and echo it
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int usage(void) {
    fprintf(stderr, "probe: usage: probe args|env|exit|cat|write|stdin|stderr|sleep|spin|alloc|primes|tty ...\n");
    return 2;
}

static int cat(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "probe: %s: %s\n", path, strerror(errno));
        return 1;
    }
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, stdout);
    fclose(f);
    return 0;
}

/* 32-bit arithmetic on purpose: `long` is 64-bit natively but 32-bit in wasm32, and 64-bit division
 * is several times slower, so only fixed-width types compare the same work. */
static uint32_t primes(uint32_t n) {
    uint32_t count = 0;
    for (uint32_t i = 2; i < n; i++) {
        int prime = 1;
        for (uint32_t d = 2; d * d <= i; d++) {
            if (i % d == 0) { prime = 0; break; }
        }
        count += prime;
    }
    return count;
}

int main(int argc, char **argv) {
    if (argc < 2) return usage();
    const char *cmd = argv[1];
    if (!strcmp(cmd, "args")) {
        for (int i = 0; i < argc; i++) printf("[%s]\n", argv[i]);
        return 0;
    }
    if (!strcmp(cmd, "env")) {
        for (int i = 2; i < argc; i++) {
            const char *v = getenv(argv[i]);
            if (v) printf("%s=%s\n", argv[i], v); else printf("%s unset\n", argv[i]);
        }
        return 0;
    }
    if (!strcmp(cmd, "exit") && argc == 3) return atoi(argv[2]);
    if (!strcmp(cmd, "tty")) {
        printf("tty: 0=%d 1=%d 2=%d\n", isatty(0), isatty(1), isatty(2));
        char line[256];
        if (fgets(line, sizeof line, stdin) == NULL) return 1;
        line[strcspn(line, "\r\n")] = 0;
        printf("echo: %s\n", line);
        return 0;
    }
    if (!strcmp(cmd, "cat") && argc == 3) return cat(argv[2]);
    if (!strcmp(cmd, "write") && argc == 4) {
        FILE *f = fopen(argv[2], "w");
        if (!f) {
            fprintf(stderr, "probe: %s: %s\n", argv[2], strerror(errno));
            return 1;
        }
        fputs(argv[3], f);
        fclose(f);
        return cat(argv[2]);
    }
    if (!strcmp(cmd, "stdin")) {
        char buf[4096];
        size_t n, total = 0;
        while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
            fwrite(buf, 1, n, stdout);
            total += n;
        }
        printf("(%zu bytes)\n", total);
        return 0;
    }
    if (!strcmp(cmd, "stderr") && argc == 4) {
        printf("%s\n", argv[2]);
        fflush(stdout);
        fprintf(stderr, "%s\n", argv[3]);
        return 0;
    }
    if (!strcmp(cmd, "sleep")) {
        printf("ready\n");
        fflush(stdout);
        for (;;) sleep(60);
    }
    if (!strcmp(cmd, "spin")) {
        printf("ready\n");
        fflush(stdout);
        volatile uint64_t x = 0;
        for (;;) x++;
    }
    if (!strcmp(cmd, "alloc") && argc == 3) {
        long mib = atol(argv[2]);
        char *kept = NULL; /* the blocks stay reachable, so the compiler cannot drop them */
        for (long i = 1; i <= mib; i++) {
            char *block = malloc(1 << 20);
            if (!block) {
                printf("malloc failed after %ld MiB\n", i - 1);
                return 1;
            }
            memset(block, (int) i, 1 << 20);
            *(char **) block = kept;
            kept = block;
            if (i % 16 == 0) {
                printf("%ld MiB\n", i);
                fflush(stdout);
            }
        }
        long blocks = 0;
        for (char *b = kept; b; b = *(char **) b) blocks++;
        printf("allocated %ld MiB\n", blocks);
        return 0;
    }
    if (!strcmp(cmd, "primes") && argc == 3) {
        uint32_t n = (uint32_t) strtoul(argv[2], NULL, 10);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        uint32_t count = primes(n);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        long us = (long) (t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000;
        printf("%u primes below %u in %ld us\n", (unsigned) count, (unsigned) n, us);
        return 0;
    }
    return usage();
}
