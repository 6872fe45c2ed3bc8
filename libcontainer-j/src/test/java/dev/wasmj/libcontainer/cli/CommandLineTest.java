package dev.wasmj.libcontainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.libcontainer.cli.CommandLine.UsageException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** runc's option syntax, as `create` uses it: --bundle/-b with a value, --pid-file, flags, positionals. */
class CommandLineTest {
    private static final Set<String> WITH_VALUE = Set.of("bundle", "pid-file", "preserve-fds");
    private static final Set<String> FLAGS = Set.of("detach", "force");
    private static final Map<String, String> ALIASES = Map.of("b", "bundle", "d", "detach", "f", "force");

    private static CommandLine parse(String... args) throws UsageException {
        return CommandLine.parse(List.of(args), WITH_VALUE, FLAGS, ALIASES);
    }

    @Test
    void optionWithItsValueAsTheNextArgument() throws UsageException {
        CommandLine cl = parse("--bundle", "/b", "id1");
        assertEquals("/b", cl.value("bundle"));
        assertEquals(List.of("id1"), cl.positionals());
    }

    @Test
    void optionWithItsValueAfterAnEqualsSign() throws UsageException {
        CommandLine cl = parse("--bundle=/b=c", "id1");
        assertEquals("/b=c", cl.value("bundle"), "only the first '=' separates");
        assertEquals(List.of("id1"), cl.positionals());
    }

    @Test
    void anEmptyValueAfterEqualsIsAValue() throws UsageException {
        assertEquals("", parse("--pid-file=", "id").value("pid-file"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-b", "--b", "--bundle", "-bundle"})
    void shortAliasesAndSingleDashesNameTheSameOption(String spelling) throws UsageException {
        assertEquals("/x", parse(spelling, "/x", "id").value("bundle"));
    }

    @Test
    void anAliasTakesAnEqualsValueToo() throws UsageException {
        assertEquals("/x", parse("-b=/x", "id").value("bundle"));
    }

    @Test
    void flagsNeedNoValue() throws UsageException {
        CommandLine cl = parse("-d", "id", "--force");
        assertTrue(cl.flag("detach"));
        assertTrue(cl.flag("force"));
        assertEquals(List.of("id"), cl.positionals(), "a flag does not swallow the next argument");
    }

    @Test
    void aFlagCanBeSetExplicitly() throws UsageException {
        assertFalse(parse("--force=false", "id").flag("force"));
        assertTrue(parse("--force=true", "id").flag("force"));
    }

    @Test
    void absentOptionsHaveNoValueOrTheFallback() throws UsageException {
        CommandLine cl = parse("id");
        assertNull(cl.value("bundle"));
        assertEquals(".", cl.value("bundle", "."));
        assertFalse(cl.flag("detach"));
    }

    @Test
    void theLastOccurrenceWins() throws UsageException {
        assertEquals("/2", parse("-b", "/1", "--bundle=/2", "id").value("bundle"));
    }

    @Test
    void positionalsKeepTheirOrderAroundOptions() throws UsageException {
        CommandLine cl = parse("id", "--bundle", "/b", "KILL", "-d", "-");
        assertEquals(List.of("id", "KILL", "-"), cl.positionals(), "a lone '-' is a positional");
        assertEquals("id", cl.positional(0, "container id"));
        assertEquals("KILL", cl.positional(1, "signal"));
    }

    @Test
    void everythingAfterDoubleDashIsPositional() throws UsageException {
        CommandLine cl = parse("-d", "--", "id", "--bundle", "/b", "-f");
        assertTrue(cl.flag("detach"));
        assertEquals(List.of("id", "--bundle", "/b", "-f"), cl.positionals());
        assertNull(cl.value("bundle"));
        assertFalse(cl.flag("force"));
    }

    @Test
    void anUnknownOptionIsAUsageErrorNamingIt() {
        UsageException e = assertThrows(UsageException.class, () -> parse("--bundel", "/b", "id"));
        assertTrue(e.getMessage().contains("--bundel"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown option"), e.getMessage());
        UsageException shortOne = assertThrows(UsageException.class, () -> parse("-x", "id"));
        assertTrue(shortOne.getMessage().contains("-x"), shortOne.getMessage());
    }

    @Test
    void anOptionAtTheEndWithoutItsValueIsAUsageError() {
        UsageException e = assertThrows(UsageException.class, () -> parse("id", "--pid-file"));
        assertEquals("option --pid-file needs a value", e.getMessage());
        UsageException alias = assertThrows(UsageException.class, () -> parse("id", "-b"));
        assertTrue(alias.getMessage().contains("--bundle"), "the message uses the long name: " + alias.getMessage());
    }

    @Test
    void aMissingPositionalIsAUsageErrorSayingWhat() throws UsageException {
        CommandLine cl = parse("--bundle", "/b");
        UsageException e = assertThrows(UsageException.class, () -> cl.positional(0, "container id"));
        assertEquals("missing container id", e.getMessage());
    }
}
