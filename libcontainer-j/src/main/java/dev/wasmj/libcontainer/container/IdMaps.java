package dev.wasmj.libcontainer.container;

import dev.wasmj.oci.runtime.LinuxIdMapping;
import java.util.List;

/**
 * A new user namespace's linux.uidMappings or gidMappings in the kernel's uid_map format ("inside outside
 * count" lines). The init becomes the namespace's root, so container id 0 must be mapped.
 */
final class IdMaps {
    private IdMaps() {}

    static String format(List<LinuxIdMapping> mappings, String field) throws ContainerException {
        if (mappings == null || mappings.isEmpty()) {
            throw new ContainerException("config.json: " + field + ": a new user namespace needs its mappings");
        }
        StringBuilder lines = new StringBuilder();
        boolean rootMapped = false;
        for (int i = 0; i < mappings.size(); i++) {
            LinuxIdMapping m = mappings.get(i);
            if (m.getContainerID() == null || m.getHostID() == null || m.getSize() == null) {
                throw new ContainerException("config.json: " + field + "[" + i + "]: containerID, hostID and size are needed");
            }
            long inside = Integer.toUnsignedLong(m.getContainerID());
            long size = Integer.toUnsignedLong(m.getSize());
            if (inside == 0 && size > 0) rootMapped = true;
            lines.append(inside).append(' ').append(Integer.toUnsignedLong(m.getHostID())).append(' ').append(size).append('\n');
        }
        if (!rootMapped) {
            throw new ContainerException("config.json: " + field + ": container id 0 is not mapped; the container's init"
                    + " runs as the namespace's root");
        }
        return lines.toString();
    }
}
