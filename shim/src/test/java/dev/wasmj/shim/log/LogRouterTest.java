package dev.wasmj.shim.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogRouterTest {
    private final Map<Path, ByteArrayOutputStream> fifos = new HashMap<>();
    private final List<Integer> stderr = new ArrayList<>();
    private final List<Integer> closed = new ArrayList<>();
    private final ByteArrayOutputStream before = new ByteArrayOutputStream();

    private ShimLog log() {
        LogRouter.Fifos opener = new LogRouter.Fifos() {
            int next = 10;

            @Override
            public LogRouter.Opened open(Path fifo) {
                if (fifo.toString().contains("unread")) return null;
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                fifos.put(fifo, b);
                return new LogRouter.Opened(next++, new PrintStream(b, true, StandardCharsets.UTF_8));
            }

            @Override
            public void close(LogRouter.Opened opened) {
                closed.add(opened.fd());
            }

            @Override
            public void stderrTo(int fd) {
                stderr.add(fd);
            }
        };
        return new ShimLog(new PrintStream(before, true, StandardCharsets.UTF_8), false, Map.of()).routed(opener);
    }

    private String text(String fifo) {
        return fifos.get(Path.of(fifo)).toString(StandardCharsets.UTF_8);
    }

    @Test
    void eachContainersLinesGoToItsOwnLogAndOthersToTheLatestStillHere() {
        ShimLog log = log();
        log.info("before any container");
        log.attach("a", Path.of("/b/a/log"));
        log.attach("b", Path.of("/b/b/log"));
        log.with("id", "a").info("about a");
        log.with("id", "b").info("about b");
        log.info("about none");
        assertEquals(10, log.fd("a"));
        log.detach("b");
        log.info("after b went");
        log.with("id", "b").info("late about b");

        assertEquals(1, before.toString(StandardCharsets.UTF_8).lines().count(), before.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("about a", "after b went", "late about b"), messages(text("/b/a/log")));
        assertEquals(List.of("about b", "about none"), messages(text("/b/b/log")));
        assertEquals(List.of(10, 11, 10), stderr, "fd 2 follows the latest container's log");
        assertEquals(List.of(11), closed);
        log.detach("a");
        assertEquals(-1, (int) stderr.get(stderr.size() - 1), "none left: fd 2 goes nowhere");
        assertEquals(-1, log.fd("a"));
    }

    @Test
    void aLogNobodyReadsIsNotAttached() {
        ShimLog log = log();
        log.attach("a", Path.of("/b/unread/log"));
        log.with("id", "a").info("about a");
        assertEquals(-1, log.fd("a"));
        assertEquals(1, before.toString(StandardCharsets.UTF_8).lines().count(), "where lines went before");
        assertEquals(List.of(), stderr);
    }

    private static List<String> messages(String text) {
        return text.lines().map(l -> l.replaceAll(".*msg=\"?([^\"=]*?)\"?( id=.*)?$", "$1")).toList();
    }
}
