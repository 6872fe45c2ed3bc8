;; A module that imports nothing, not even WASI: _start sums 1..1000 in a loop and returns (status 0).
(module
  (global $sum (export "sum") (mut i32) (i32.const 0))
  (func (export "_start") (local $i i32)
    (loop $next
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (global.set $sum (i32.add (global.get $sum) (local.get $i)))
      (br_if $next (i32.lt_u (local.get $i) (i32.const 1000))))))
