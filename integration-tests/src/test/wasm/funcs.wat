;; Two entry points: _start, and greet, which a container runs with argv0 "/funcs.wasm#greet".
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "started at _start\n")
  (data (i32.const 96) "hello from greet\n")
  (func $print (param $at i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $at))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "_start") (call $print (i32.const 64) (i32.const 18)))
  (func (export "greet") (call $print (i32.const 96) (i32.const 17))))
