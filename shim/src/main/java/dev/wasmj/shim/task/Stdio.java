package dev.wasmj.shim.task;

/** The FIFO paths containerd gave a process (empty: none), and whether it asked for a terminal. */
record Stdio(String stdin, String stdout, String stderr, boolean terminal) {}
