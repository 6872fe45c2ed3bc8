/*
 * The README's demo: a WASI preview 1 program that shows what the container gives it. Built with Debian's
 * clang and wasi-libc (see build-image.sh), packed as a wasi/wasm OCI image, run by containerd through
 * containerd-shim-wasmtime-v1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

int main(int argc, char **argv) {
    printf("Hello from WebAssembly, run by containerd-shim-wasmtime-v1 (wasmtime in a Java init process).\n");
    for (int i = 0; i < argc; i++) printf("  argv[%d] = %s\n", i, argv[i]);
    for (char **e = environ; *e; e++) {
        if (strncmp(*e, "PATH=", 5) != 0) printf("  env %s\n", *e);
    }
    FILE *motd = fopen("/etc/motd", "r");
    if (motd) {
        char line[256];
        while (fgets(line, sizeof line, motd)) printf("  /etc/motd: %s", line);
        fclose(motd);
    }
    return 0;
}
