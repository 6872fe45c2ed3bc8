package dev.wasmj.libcontainer.container;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Ids become directory names under the state root, so nothing in one may reach outside it. */
class ContainerIdTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "abc", "my-container_1", "v1.2.3", "a+b", "...a", "a..", "..a", "UPPER-lower-09",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"})
    void validIds(String id) {
        assertDoesNotThrow(() -> ContainerId.check(id));
    }

    @Test
    void aLongIdUpTo1024CharactersIsValid() {
        assertDoesNotThrow(() -> ContainerId.check("x".repeat(1024)));
        assertThrows(ContainerException.class, () -> ContainerId.check("x".repeat(1025)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "/abs", "../up", "..", ".", "a b", "tab\there", "new\nline", "semi;colon", "é",
        "a\\b", "star*", "nul\0"})
    void invalidIdsAreRefusedNamingTheId(String id) {
        ContainerException e = assertThrows(ContainerException.class, () -> ContainerId.check(id));
        assertTrue(e.getMessage().contains("\"" + id + "\""), e.getMessage());
    }

    @Test
    void emptyAndNullAreRefused() {
        ContainerException empty = assertThrows(ContainerException.class, () -> ContainerId.check(""));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
        assertThrows(ContainerException.class, () -> ContainerId.check(null));
    }
}
