/*
 * The tests' pod sandbox ("pause") program, built statically by the tests (gcc -static) into the image
 * containerd's CRI starts first in every pod. It holds the pod's namespaces open, reaps whatever is
 * re-parented to it, and exits 0 on SIGTERM or SIGINT, as the kubelet's pause image does.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void leave(int sig) {
    (void) sig;
    _exit(0);
}

static void reap(int sig) {
    (void) sig;
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
}

int main(void) {
    struct sigaction quit = {.sa_handler = leave};
    struct sigaction child = {.sa_handler = reap, .sa_flags = SA_NOCLDSTOP};
    sigaction(SIGTERM, &quit, NULL);
    sigaction(SIGINT, &quit, NULL);
    sigaction(SIGCHLD, &child, NULL);
    for (;;) pause();
}
