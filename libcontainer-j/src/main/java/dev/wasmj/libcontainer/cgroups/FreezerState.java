package dev.wasmj.libcontainer.cgroups;

/** State of a cgroup's freezer, as v1's freezer.state names it (v2 is mapped onto the same names). */
public enum FreezerState {
    THAWED,
    /** Asked to freeze, but some tasks are not frozen yet. */
    FREEZING,
    FROZEN
}
