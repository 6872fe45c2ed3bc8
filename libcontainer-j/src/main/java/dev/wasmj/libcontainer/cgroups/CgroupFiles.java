package dev.wasmj.libcontainer.cgroups;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading and writing cgroup interface files. The kernel parses each write(2) on its own, so a value is
 * written with a single write call, and failures name the value, the file and the kernel's reason.
 */
final class CgroupFiles {
    private CgroupFiles() {}

    /** Writes one value; fails if the file does not exist (cgroupfs never lets us create files anyway). */
    static void write(Path file, String value) throws CgroupException {
        // No CREATE: a missing interface file must show up as an error, not as a new regular file.
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(value.getBytes(StandardCharsets.US_ASCII));
            ch.write(buf);
            if (buf.hasRemaining()) {
                throw new IOException("short write");
            }
        } catch (IOException e) {
            throw new CgroupException("cannot write \"" + value + "\" to " + file + ": " + reason(e), e);
        }
    }

    /** The trimmed content of a file. */
    static String read(Path file) throws CgroupException {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new CgroupException("cannot read " + file + ": " + reason(e), e);
        }
    }

    /** The trimmed content, or null when the file does not exist. */
    static String readIfExists(Path file) throws CgroupException {
        return Files.exists(file) ? read(file) : null;
    }

    /**
     * A single number, or null when the file does not exist. "max" (v2's "no limit") reads as -1; so do
     * v1's huge "unlimited" values (PAGE_COUNTER_MAX times the page size, close to Long.MAX_VALUE).
     */
    static Long readLimitIfExists(Path file) throws CgroupException {
        String s = readIfExists(file);
        if (s == null) return null;
        if (s.equals("max")) return -1L;
        long v = parseLong(s, file);
        return v >= Long.MAX_VALUE / 2 ? -1L : v;
    }

    /** A single number, or null when the file does not exist. */
    static Long readLongIfExists(Path file) throws CgroupException {
        String s = readIfExists(file);
        return s == null ? null : parseLong(s, file);
    }

    /**
     * A "flat keyed" file ("key value" per line, like memory.stat or cpu.stat), or an empty map when the
     * file does not exist. Values that are not numbers are skipped.
     */
    static Map<String, Long> readKeyed(Path file) throws CgroupException {
        Map<String, Long> out = new LinkedHashMap<>();
        String s = readIfExists(file);
        if (s == null) return out;
        for (String line : s.split("\n")) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length != 2) continue;
            try {
                out.put(kv[0], Long.parseLong(kv[1]));
            } catch (NumberFormatException ignored) {
                // e.g. a "max" value; not interesting for statistics
            }
        }
        return out;
    }

    /** The whitespace separated words of a file (cgroup.controllers, cgroup.subtree_control). */
    static List<String> readWords(Path file) throws CgroupException {
        String s = readIfExists(file);
        List<String> out = new ArrayList<>();
        if (s == null || s.isEmpty()) return out;
        for (String w : s.split("\\s+")) out.add(w);
        return out;
    }

    /** The pids listed in a cgroup.procs file (empty when the file does not exist). */
    static List<Long> readPids(Path procs) throws CgroupException {
        List<Long> out = new ArrayList<>();
        String s = readIfExists(procs);
        if (s == null || s.isEmpty()) return out;
        for (String line : s.split("\n")) {
            out.add(parseLong(line.trim(), procs));
        }
        return out;
    }

    private static long parseLong(String s, Path file) throws CgroupException {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new CgroupException("unexpected content \"" + s + "\" in " + file + ": not a number", e);
        }
    }

    /** The errno-style reason of an I/O failure ("Device or resource busy"), without repeating the path. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) return "No such file or directory";
        if (e instanceof AccessDeniedException) return "Permission denied";
        if (e instanceof FileSystemException) {
            String r = ((FileSystemException) e).getReason();
            if (r != null) return r;
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
