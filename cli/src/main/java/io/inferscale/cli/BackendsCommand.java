package io.inferscale.cli;

import io.inferscale.api.backend.BackendProvider;
import io.inferscale.api.backend.Backends;
import io.inferscale.api.backend.Capabilities;
import io.inferscale.api.backend.ConfigKey;
import io.inferscale.api.backend.Feature;
import io.inferscale.api.backend.OptionKey;
import io.inferscale.api.backend.Support;
import io.inferscale.api.codec.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code inferscale backends [ID] [-o table|markdown|json]}. */
@Command(name = "backends", sortOptions = false, mixinStandardHelpOptions = true,
        header = "List the backends and what each honours.",
        description = "List the backends found on the class path and what each honours (native, approximated, no). With an ID: its configuration keys, per-endpoint options and the notes behind each capability.")
final class BackendsCommand extends BaseCommand {

    /** Output formats. */
    enum Format { table, markdown, json }

    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "one backend, in detail")
    String id;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table, markdown or json (default: ${DEFAULT-VALUE})")
    Format format;

    @Override
    public Integer call() {
        Backends backends = context().backends();
        for (Backends.Failure f : backends.failures()) {
            err().println("warning: backend provider " + f.provider() + " could not be loaded: " + f.message());
        }
        List<BackendProvider> providers = new ArrayList<>(backends.providers());
        providers.sort(Comparator.comparing(BackendProvider::id));
        if (id != null) {
            providers = List.of(backends.provider(id));
        }
        PrintWriter out = out();
        if (format == Format.json) {
            out.println(Json.write(providers.stream().map(BackendsCommand::tree).toList()));
        } else if (id != null) {
            detail(providers.get(0), out);
        } else {
            Table list = new Table("ID", "ARTIFACT", "DESCRIPTION");
            for (BackendProvider p : providers) {
                list.row(p.id(), Backends.KNOWN_ARTIFACTS.getOrDefault(p.id(), "(third party)"), p.description());
            }
            Table caps = capabilityTable(providers);
            if (format == Format.markdown) {
                caps.printMarkdown(out);
            } else {
                list.print(out);
                out.println();
                caps.print(out);
                out.println();
                out.println("native: honoured exactly; approximated: honoured with a documented difference (validate warns);");
                out.println("no: rejected before any call. Details: inferscale backends ID");
            }
        }
        out.flush();
        return ExitCode.OK;
    }

    /** One row per {@link Feature}, one column per provider. */
    static Table capabilityTable(List<BackendProvider> providers) {
        String[] headers = new String[providers.size() + 1];
        headers[0] = "FEATURE";
        for (int i = 0; i < providers.size(); i++) {
            headers[i + 1] = providers.get(i).id();
        }
        Table t = new Table(headers);
        for (Feature f : Feature.values()) {
            String[] row = new String[providers.size() + 1];
            row[0] = featureName(f);
            for (int i = 0; i < providers.size(); i++) {
                row[i + 1] = supportName(providers.get(i).capabilities().support(f));
            }
            t.row(row);
        }
        return t;
    }

    static String featureName(Feature f) {
        return f.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static String supportName(Support s) {
        return switch (s) {
            case NATIVE -> "native";
            case APPROXIMATED -> "approximated";
            case UNSUPPORTED -> "no";
        };
    }

    private static void detail(BackendProvider p, PrintWriter out) {
        out.println(p.id() + ": " + p.description());
        out.println("artifact: " + Backends.KNOWN_ARTIFACTS.getOrDefault(p.id(), "(third party)"));
        out.println();
        out.println("Configuration (--set KEY=VALUE, system property inferscale.KEY, or the environment variable):");
        if (p.configKeys().isEmpty()) {
            out.println("  (none)");
        } else {
            Table keys = new Table("KEY", "DEFAULT", "VARIABLE", "DESCRIPTION");
            for (ConfigKey k : p.configKeys()) {
                keys.row(k.name(), k.defaultValue().isEmpty() ? "-" : k.defaultValue(), k.environmentVariable(),
                        k.description() + (k.secret() ? " (secret: never printed)" : ""));
            }
            keys.print(out);
        }
        out.println();
        out.println("Per-endpoint options (spec.backends." + p.id() + ".NAME):");
        if (p.optionKeys().isEmpty()) {
            out.println("  (none)");
        } else {
            Table opts = new Table("OPTION", "DESCRIPTION");
            for (OptionKey o : p.optionKeys()) {
                opts.row(o.name(), o.description());
            }
            opts.print(out);
        }
        out.println();
        out.println("Capabilities:");
        Table caps = new Table("FEATURE", "SUPPORT", "FIELD", "NOTE");
        Capabilities c = p.capabilities();
        for (Feature f : Feature.values()) {
            caps.row(featureName(f), supportName(c.support(f)), f.path(), c.note(f));
        }
        caps.print(out);
    }

    private static Map<String, Object> tree(BackendProvider p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("description", p.description());
        m.put("artifact", Backends.KNOWN_ARTIFACTS.get(p.id()));
        Map<String, Object> caps = new LinkedHashMap<>();
        for (Feature f : Feature.values()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("support", p.capabilities().support(f).name());
            e.put("note", p.capabilities().note(f));
            caps.put(f.name(), e);
        }
        m.put("capabilities", caps);
        List<Object> keys = new ArrayList<>();
        for (ConfigKey k : p.configKeys()) {
            Map<String, Object> km = new LinkedHashMap<>();
            km.put("name", k.name());
            km.put("default", k.defaultValue());
            km.put("environmentVariable", k.environmentVariable());
            km.put("description", k.description());
            km.put("secret", k.secret());
            keys.add(km);
        }
        m.put("configKeys", keys);
        List<Object> options = new ArrayList<>();
        for (OptionKey o : p.optionKeys()) {
            options.add(new LinkedHashMap<>(Map.of("name", o.name(), "description", o.description())));
        }
        m.put("options", options);
        return m;
    }
}
