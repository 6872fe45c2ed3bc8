package dev.wasmj.libcontainer.seccomp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Syscall name to number for one architecture, read from a text resource ({@code name number} per line,
 * {@code #} comments). The resources are generated from the kernel headers by SyscallTableGenerator in the
 * test sources.
 */
final class SyscallTable {
    private final Map<String, Integer> numbers;

    private SyscallTable(Map<String, Integer> numbers) {
        this.numbers = Collections.unmodifiableMap(numbers);
    }

    static SyscallTable load(String resource) {
        try (InputStream in = SyscallTable.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing resource " + resource);
            return parse(resource, new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    private static SyscallTable parse(String source, BufferedReader reader) throws IOException {
        Map<String, Integer> numbers = new LinkedHashMap<>();
        String line;
        int lineNo = 0;
        while ((line = reader.readLine()) != null) {
            lineNo++;
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] parts = line.split("\\s+");
            if (parts.length != 2 || !parts[1].matches("\\d+") || numbers.put(parts[0], Integer.valueOf(parts[1])) != null) {
                throw new IllegalStateException(source + ":" + lineNo + ": bad line \"" + line + "\"");
            }
        }
        return new SyscallTable(numbers);
    }

    OptionalInt number(String name) {
        Integer nr = numbers.get(name);
        return nr == null ? OptionalInt.empty() : OptionalInt.of(nr);
    }

    Map<String, Integer> asMap() {
        return numbers;
    }
}
