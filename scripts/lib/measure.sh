# Sourced by the benchmarks: a clock in nanoseconds, and the median of numbers on stdin, one per line.
now_ns() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
