package dev.wasmj.libcontainer.seccomp;

/** The spec's SCMP_CMP_* operators: unsigned 64-bit comparisons of a syscall argument, as in libseccomp. */
enum Comparison {
    NE("SCMP_CMP_NE"),
    LT("SCMP_CMP_LT"),
    LE("SCMP_CMP_LE"),
    EQ("SCMP_CMP_EQ"),
    GE("SCMP_CMP_GE"),
    GT("SCMP_CMP_GT"),
    /** (arg &amp; value) == valueTwo. */
    MASKED_EQ("SCMP_CMP_MASKED_EQ");

    final String specName;

    Comparison(String specName) {
        this.specName = specName;
    }

    static Comparison parse(String op, String field) {
        if (op == null) throw SeccompException.field(field, "missing");
        for (Comparison c : values()) {
            if (c.specName.equals(op)) return c;
        }
        throw SeccompException.field(field, "unknown operator \"" + op + "\"");
    }
}
