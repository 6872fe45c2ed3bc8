package dev.wasmj.libcontainer.container;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.wasmj.oci.runtime.State;
import java.util.Map;

/** The OCI state document of a container ({@code state} command, and hooks' stdin). */
final class StateDocument {
    private StateDocument() {}

    static State of(ContainerState s, String status) {
        State state = new State();
        state.setOciVersion(s.config().getOciVersion());
        state.setId(s.id());
        state.setStatus(status);
        state.setPid(status.equals("stopped") ? 0 : s.pid());
        state.setBundle(s.bundle());
        Map<String, String> annotations = s.config().getAnnotations();
        if (annotations != null && !annotations.isEmpty()) state.setAnnotations(annotations);
        return state;
    }

    static String json(ContainerState s, String status) {
        try {
            return StateStore.mapper().writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(of(s, status));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
