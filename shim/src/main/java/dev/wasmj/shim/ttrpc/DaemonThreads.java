package dev.wasmj.shim.ttrpc;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Named daemon threads: ttrpc threads must never keep the JVM alive, and a thread dump must say who they are. */
final class DaemonThreads implements ThreadFactory {
    private static final AtomicInteger SERIAL = new AtomicInteger();
    private final String prefix;

    DaemonThreads(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable task) {
        return named(prefix + "-" + SERIAL.incrementAndGet(), task);
    }

    /** An unstarted daemon thread called {@code name}. */
    static Thread named(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
