package dev.wasmj.shim.ttrpc;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** The server's log lines, kept for assertions. */
final class CapturedLog implements Consumer<String> {
    private final Queue<String> lines = new ConcurrentLinkedQueue<>();

    @Override
    public void accept(String line) {
        lines.add(line);
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    /** Waits for a line containing every fragment and returns it. */
    String await(String... fragments) {
        Await.until(() -> "a log line with " + List.of(fragments) + "; the log:\n" + String.join("\n", lines),
                () -> find(fragments) != null);
        return find(fragments);
    }

    List<String> containing(String fragment) {
        return lines.stream().filter(l -> l.contains(fragment)).collect(Collectors.toList());
    }

    private String find(String... fragments) {
        for (String line : lines) {
            boolean all = true;
            for (String f : fragments) all &= line.contains(f);
            if (all) return line;
        }
        return null;
    }
}
