package dev.wasmj.libcontainer.syscall;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * A JVM that confines itself (run by {@link ConfineProcessTest}, never in the test's own JVM, which would lose
 * root): args {@code uid gid groups(a,b|-) caps(b,e,p,i,a in hex|keep) nnp filter(base64|-)}. Threads that
 * sleep, and a thread that keeps creating threads, run while it confines; then a thread created afterwards
 * tries mkdir, and every thread's credentials are printed from /proc/self/task, one line each:
 * {@code tid Uid: ... | Gid: ... | Groups: ... | CapInh: ... | ... | NoNewPrivs: ... | Seccomp: ...}.
 */
public final class ConfineProbe {
    public static void main(String[] args) throws Exception {
        int uid = Integer.parseInt(args[0]);
        int gid = Integer.parseInt(args[1]);
        int[] groups = args[2].equals("-") ? new int[0] : Stream.of(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
        long[] caps = args[3].equals("keep") ? null : Stream.of(args[3].split(",")).mapToLong(h -> Long.parseUnsignedLong(h, 16)).toArray();
        boolean nnp = Boolean.parseBoolean(args[4]);
        byte[] filter = args[5].equals("-") ? null : Base64.getDecoder().decode(args[5]);

        List<Thread> sleepers = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        for (int i = 0; i < 8; i++) sleepers.add(daemon("sleeper-" + i, () -> await(done)));
        Thread churn = daemon("churn", () -> {
            while (done.getCount() > 0) {
                Thread t = new Thread(() -> { });
                t.start();
                try {
                    t.join();
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Syscalls.linux().confineProcess(new Credentials(uid, gid, groups, caps, nnp, filter, 0));
        String[] mkdir = new String[1];
        Thread after = new Thread(() -> mkdir[0] = tryMkdir(Path.of(args[6], "made-by-a-new-thread")), "after");
        after.start();
        after.join();
        System.out.println("mkdir from a new thread: " + mkdir[0]);
        System.out.println("mkdir from main: " + tryMkdir(Path.of(args[6], "made-by-main")));
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.sorted().toList()) {
                try {
                    List<String> lines = Files.readAllLines(task.resolve("status"));
                    StringBuilder line = new StringBuilder(task.getFileName().toString());
                    for (String l : lines) {
                        if (l.matches("(Name|Uid|Gid|Groups|Cap\\w+|NoNewPrivs|Seccomp):.*")) {
                            line.append(" | ").append(l.replaceAll("\\s+", " ").trim());
                        }
                    }
                    System.out.println(line);
                } catch (IOException gone) {
                    // a churn thread that ended meanwhile
                }
            }
        }
        done.countDown();
        churn.join();
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException ignored) {
            // exits
        }
    }

    private static String tryMkdir(Path dir) {
        try {
            Files.createDirectory(dir);
            return "created";
        } catch (IOException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }
}
