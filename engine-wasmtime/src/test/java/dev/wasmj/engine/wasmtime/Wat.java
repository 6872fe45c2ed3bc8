package dev.wasmj.engine.wasmtime;

import java.nio.charset.StandardCharsets;

/** WAT text of the modules the tests run. */
final class Wat {
    private static final String IMPORTS = """
              (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
            """;
    private static final String MEMORY = "  (memory (export \"memory\") 1)\n";

    private Wat() {}

    /** Writes {@code text} to fd 1, then runs {@code tail} (e.g. "(call $exit (i32.const 3))"). */
    static String print(String text, String tail) {
        return "(module\n" + IMPORTS + MEMORY + data(4096, text) + """
                  (func (export "_start")
                    (i32.store (i32.const 0) (i32.const 4096))
                    (i32.store (i32.const 4) (i32.const %d))
                    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
                    %s))
                """.formatted(bytes(text).length, tail);
    }

    /** _start prints "start", other prints "other". */
    static String twoExports() {
        return "(module\n" + IMPORTS + MEMORY + data(4096, "start\n") + data(4200, "other\n") + """
                  (func $say (param $at i32)
                    (i32.store (i32.const 0) (local.get $at))
                    (i32.store (i32.const 4) (i32.const 6))
                    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
                  (func (export "_start") (call $say (i32.const 4096)))
                  (func (export "other") (call $say (i32.const 4200))))
                """;
    }

    /** Prints each argument, then "--", then each environment entry, one a line. */
    static String argsAndEnv() {
        return "(module\n" + IMPORTS + """
                  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
                  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
                  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
                  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
                """ + MEMORY + """
                  (data (i32.const 48) "\\n--\\n")
                  ;; 0: count, 4: buffer size, 16: two iovecs, 32: written, 1024: pointers, 8192: strings
                  (func $strlen (param $p i32) (result i32) (local $n i32)
                    (block $end (loop $next
                      (br_if $end (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $n)))))
                      (local.set $n (i32.add (local.get $n) (i32.const 1)))
                      (br $next)))
                    (local.get $n))
                  (func $line (param $p i32)
                    (i32.store (i32.const 16) (local.get $p))
                    (i32.store (i32.const 20) (call $strlen (local.get $p)))
                    (i32.store (i32.const 24) (i32.const 48))
                    (i32.store (i32.const 28) (i32.const 1))
                    (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 2) (i32.const 32))))
                  (func $lines (local $i i32)
                    (block $end (loop $next
                      (br_if $end (i32.ge_u (local.get $i) (i32.load (i32.const 0))))
                      (call $line (i32.load (i32.add (i32.const 1024) (i32.mul (local.get $i) (i32.const 4)))))
                      (local.set $i (i32.add (local.get $i) (i32.const 1)))
                      (br $next))))
                  (func (export "_start")
                    (drop (call $args_sizes_get (i32.const 0) (i32.const 4)))
                    (drop (call $args_get (i32.const 1024) (i32.const 8192)))
                    (call $lines)
                    (i32.store (i32.const 16) (i32.const 49))
                    (i32.store (i32.const 20) (i32.const 3))
                    (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 32)))
                    (drop (call $environ_sizes_get (i32.const 0) (i32.const 4)))
                    (drop (call $environ_get (i32.const 1024) (i32.const 8192)))
                    (call $lines)))
                """;
    }

    /** Prints the file at {@code path}, relative to the first preopened directory (fd 3); exits 100+errno if it cannot open it. */
    static String cat(String path) {
        return "(module\n" + IMPORTS + """
                  (import "wasi_snapshot_preview1" "path_open"
                    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
                """ + MEMORY + data(4096, path) + """
                  (func (export "_start") (local $err i32)
                    (local.set $err (call $path_open (i32.const 3) (i32.const 1) (i32.const 4096) (i32.const %d)
                      (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 0)))
                    (if (local.get $err) (then (call $exit (i32.add (i32.const 100) (local.get $err)))))
                    (i32.store (i32.const 8) (i32.const 8192))
                    (i32.store (i32.const 12) (i32.const 4096))
                    (drop (call $fd_read (i32.load (i32.const 0)) (i32.const 8) (i32.const 1) (i32.const 16)))
                    (i32.store (i32.const 12) (i32.load (i32.const 16)))
                    (drop (call $fd_write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 16)))))
                """.formatted(bytes(path).length);
    }

    /** Copies stdin to stdout until end of file. */
    static String echo() {
        return "(module\n" + IMPORTS + MEMORY + """
                  (func (export "_start")
                    (i32.store (i32.const 8) (i32.const 8192))
                    (block $eof (loop $more
                      (i32.store (i32.const 12) (i32.const 4096))
                      (br_if $eof (call $fd_read (i32.const 0) (i32.const 8) (i32.const 1) (i32.const 16)))
                      (br_if $eof (i32.eqz (i32.load (i32.const 16))))
                      (i32.store (i32.const 12) (i32.load (i32.const 16)))
                      (drop (call $fd_write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 20)))
                      (br $more)))))
                """;
    }

    /** Prints "spinning", then loops for ever. */
    static String spin() {
        return print("spinning\n", "(loop $forever (br $forever))");
    }

    static final String NO_IMPORTS = "(module (func (export \"_start\")))";
    static final String UNREACHABLE = "(module (func (export \"_start\") unreachable))";
    static final String RECURSION = "(module (func $f (export \"_start\") (call $f)))";
    static final String UNKNOWN_IMPORT = "(module (import \"env\" \"nope\" (func)) (func (export \"_start\")))";

    /** A WAT data segment at {@code offset}, every byte hex-escaped. */
    private static String data(int offset, String text) {
        StringBuilder s = new StringBuilder("  (data (i32.const " + offset + ") \"");
        for (byte b : bytes(text)) s.append(String.format("\\%02x", b & 0xff));
        return s.append("\")\n").toString();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
