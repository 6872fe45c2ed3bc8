package dev.wasmj.shim.proto;

import static dev.wasmj.shim.proto.Wire.assertEncodes;
import static dev.wasmj.shim.proto.Wire.assertFields;
import static dev.wasmj.shim.proto.Wire.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Any;
import dev.wasmj.shim.proto.task.v2.StatsResponse;
import org.junit.jupiter.api.Test;

/** What Stats returns; `ctr task metrics` and CRI decode these numbers. */
class CgroupMetricsWireTest {

  @Test
  void v1MemoryUsageAndPids() throws Exception {
    var m = dev.wasmj.shim.proto.cgroups.v1.Metrics.newBuilder()
        .setPids(dev.wasmj.shim.proto.cgroups.v1.PidsStat.newBuilder().setCurrent(3).setLimit(100))
        .setCpu(dev.wasmj.shim.proto.cgroups.v1.CPUStat.newBuilder()
            .setUsage(dev.wasmj.shim.proto.cgroups.v1.CPUUsage.newBuilder().setTotal(1000)))
        .setMemory(dev.wasmj.shim.proto.cgroups.v1.MemoryStat.newBuilder()
            .setCache(5)
            .setUsage(dev.wasmj.shim.proto.cgroups.v1.MemoryEntry.newBuilder().setUsage(1 << 20)))
        .setMemoryOomControl(dev.wasmj.shim.proto.cgroups.v1.MemoryOomControl.newBuilder()
            .setOomKill(1))
        .build();
    byte[] expected = hex(
        "12 04 08 03 10 64"            // 2 pids{1 current 3, 2 limit 100}
        + " 1a 05 0a 03 08 e8 07"      // 3 cpu{1 usage{1 total 1000}}
        + " 22 09 08 05"               // 4 memory{1 cache 5,
        + " 8a 02 04 10 80 80 40"      //   33 usage (tag 33<<3|2 = 266 = 8a 02){2 usage 2^20}}
        + " 4a 02 18 01");             // 9 memory_oom_control{3 oom_kill 1}
    assertEncodes(expected, m);
    var parsed = dev.wasmj.shim.proto.cgroups.v1.Metrics.parseFrom(expected);
    assertEquals(1 << 20, parsed.getMemory().getUsage().getUsage());
    assertEquals(3, parsed.getPids().getCurrent());
  }

  @Test
  void v2MemoryUsageAndPids() {
    var m = dev.wasmj.shim.proto.cgroups.v2.Metrics.newBuilder()
        .setPids(dev.wasmj.shim.proto.cgroups.v2.PidsStat.newBuilder().setCurrent(3))
        .setMemory(dev.wasmj.shim.proto.cgroups.v2.MemoryStat.newBuilder()
            .setUsage(4096).setUsageLimit(8192))
        .setMemoryEvents(dev.wasmj.shim.proto.cgroups.v2.MemoryEvents.newBuilder().setOomKill(1))
        .build();
    assertEncodes(hex(
        "0a 02 08 03"                  // 1 pids{1 current}
        + " 22 08 80 02 80 20"         // 4 memory{32 usage 4096 (tag 32<<3 = 256 = 80 02),
        + " 88 02 80 40"               //   33 usage_limit 8192}
        + " 42 02 28 01"),             // 8 memory_events{5 oom_kill}
        m);
  }

  @Test
  void statsResponseCarriesMetricsAsAny() {
    var metrics = dev.wasmj.shim.proto.cgroups.v1.Metrics.newBuilder()
        .setPids(dev.wasmj.shim.proto.cgroups.v1.PidsStat.newBuilder().setCurrent(1))
        .build();
    StatsResponse resp = StatsResponse.newBuilder()
        .setStats(Any.newBuilder()
            .setTypeUrl("io.containerd.cgroups.v1.Metrics")
            .setValue(metrics.toByteString()))
        .build();
    // 1 stats: Any{1 type_url (32 bytes), 2 value: 12 02 08 01}
    assertEncodes(Wire.cat(hex("0a 28 0a 20"), Wire.text("io.containerd.cgroups.v1.Metrics"),
        hex("12 04 12 02 08 01")), resp);
  }

  @Test
  void v1FieldTables() {
    String p = "io.containerd.cgroups.v1.";
    assertFields(dev.wasmj.shim.proto.cgroups.v1.Metrics.getDescriptor(),
        "hugetlb=1:repeated " + p + "HugetlbStat", "pids=2:" + p + "PidsStat",
        "cpu=3:" + p + "CPUStat", "memory=4:" + p + "MemoryStat", "blkio=5:" + p + "BlkIOStat",
        "rdma=6:" + p + "RdmaStat", "network=7:repeated " + p + "NetworkStat",
        "cgroup_stats=8:" + p + "CgroupStats",
        "memory_oom_control=9:" + p + "MemoryOomControl");
    assertFields(dev.wasmj.shim.proto.cgroups.v1.HugetlbStat.getDescriptor(),
        "usage=1:uint64", "max=2:uint64", "failcnt=3:uint64", "pagesize=4:string");
    assertFields(dev.wasmj.shim.proto.cgroups.v1.CPUUsage.getDescriptor(),
        "total=1:uint64", "kernel=2:uint64", "user=3:uint64", "per_cpu=4:repeated uint64");
    assertFields(dev.wasmj.shim.proto.cgroups.v1.Throttle.getDescriptor(),
        "periods=1:uint64", "throttled_periods=2:uint64", "throttled_time=3:uint64");
    assertFields(dev.wasmj.shim.proto.cgroups.v1.MemoryEntry.getDescriptor(),
        "limit=1:uint64", "usage=2:uint64", "max=3:uint64", "failcnt=4:uint64");
    assertFields(dev.wasmj.shim.proto.cgroups.v1.MemoryOomControl.getDescriptor(),
        "oom_kill_disable=1:uint64", "under_oom=2:uint64", "oom_kill=3:uint64");
    assertFields(dev.wasmj.shim.proto.cgroups.v1.BlkIOEntry.getDescriptor(),
        "op=1:string", "device=2:string", "major=3:uint64", "minor=4:uint64", "value=5:uint64");
    var mem = dev.wasmj.shim.proto.cgroups.v1.MemoryStat.getDescriptor();
    assertEquals(36, mem.getFields().size());
    assertEquals(16, mem.findFieldByName("hierarchical_memory_limit").getNumber());
    assertEquals(32, mem.findFieldByName("total_unevictable").getNumber());
    assertEquals(36, mem.findFieldByName("kernel_tcp").getNumber());
  }

  @Test
  void v2FieldTables() {
    String p = "io.containerd.cgroups.v2.";
    assertFields(dev.wasmj.shim.proto.cgroups.v2.Metrics.getDescriptor(),
        "pids=1:" + p + "PidsStat", "cpu=2:" + p + "CPUStat", "memory=4:" + p + "MemoryStat",
        "rdma=5:" + p + "RdmaStat", "io=6:" + p + "IOStat",
        "hugetlb=7:repeated " + p + "HugeTlbStat", "memory_events=8:" + p + "MemoryEvents",
        "network=9:repeated " + p + "NetworkStat");
    assertFields(dev.wasmj.shim.proto.cgroups.v2.CPUStat.getDescriptor(),
        "usage_usec=1:uint64", "user_usec=2:uint64", "system_usec=3:uint64",
        "nr_periods=4:uint64", "nr_throttled=5:uint64", "throttled_usec=6:uint64",
        "psi=7:" + p + "PSIStats", "nr_bursts=8:uint64", "burst_usec=9:uint64");
    assertFields(dev.wasmj.shim.proto.cgroups.v2.MemoryEvents.getDescriptor(),
        "low=1:uint64", "high=2:uint64", "max=3:uint64", "oom=4:uint64", "oom_kill=5:uint64");
    assertFields(dev.wasmj.shim.proto.cgroups.v2.IOEntry.getDescriptor(),
        "major=1:uint64", "minor=2:uint64", "rbytes=3:uint64", "wbytes=4:uint64",
        "rios=5:uint64", "wios=6:uint64");
    assertFields(dev.wasmj.shim.proto.cgroups.v2.HugeTlbStat.getDescriptor(),
        "current=1:uint64", "max=2:uint64", "pagesize=3:string");
    var mem = dev.wasmj.shim.proto.cgroups.v2.MemoryStat.getDescriptor();
    assertEquals(38, mem.getFields().size());
    assertEquals(32, mem.findFieldByName("usage").getNumber());
    assertEquals(35, mem.findFieldByName("swap_limit").getNumber());
    assertEquals(37, mem.findFieldByName("swap_max_usage").getNumber());
  }
}
