package dev.wasmj.libcontainer.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command's arguments: {@code --name value}, {@code --name=value}, short aliases, boolean flags and
 * positionals, in runc's style. Unknown options are errors.
 */
final class CommandLine {
    private final Map<String, String> values = new HashMap<>();
    private final List<String> positionals = new ArrayList<>();

    /**
     * @param withValue option names that take a value (long form, without dashes)
     * @param flags option names that are booleans
     * @param aliases short form -> long form, e.g. "b" -> "bundle"
     */
    static CommandLine parse(List<String> args, Set<String> withValue, Set<String> flags, Map<String, String> aliases)
            throws UsageException {
        CommandLine cl = new CommandLine();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("-") || arg.equals("-")) {
                cl.positionals.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                cl.positionals.addAll(args.subList(i + 1, args.size()));
                break;
            }
            String name = arg.replaceFirst("^--?", "");
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            name = aliases.getOrDefault(name, name);
            if (flags.contains(name)) {
                cl.values.put(name, value == null ? "true" : value);
            } else if (withValue.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.size()) throw new UsageException("option --" + name + " needs a value");
                    value = args.get(++i);
                }
                cl.values.put(name, value);
            } else {
                throw new UsageException("unknown option " + arg);
            }
        }
        return cl;
    }

    String value(String name) {
        return values.get(name);
    }

    String value(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    boolean flag(String name) {
        return "true".equals(values.get(name));
    }

    List<String> positionals() {
        return positionals;
    }

    /** The positional at index, or a usage error naming what is missing. */
    String positional(int index, String what) throws UsageException {
        if (index >= positionals.size()) throw new UsageException("missing " + what);
        return positionals.get(index);
    }

    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }
}
