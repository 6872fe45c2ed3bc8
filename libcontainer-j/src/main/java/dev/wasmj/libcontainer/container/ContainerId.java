package dev.wasmj.libcontainer.container;

import java.util.regex.Pattern;

/** Container ids become directory names: only letters, digits and {@code _ + - .}, never "." or "..". */
final class ContainerId {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_+\\-.]{1,1024}");

    private ContainerId() {}

    static void check(String id) throws ContainerException {
        if (id == null || id.isEmpty()) throw new ContainerException("container id is empty");
        if (id.equals(".") || id.equals("..") || !VALID.matcher(id).matches()) {
            throw new ContainerException("invalid container id \"" + id
                    + "\": use letters, digits and _ + - . only (no '/', not \".\" or \"..\")");
        }
    }
}
