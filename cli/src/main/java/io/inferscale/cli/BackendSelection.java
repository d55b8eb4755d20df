package io.inferscale.cli;

import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.BackendConfig;
import io.inferscale.api.backend.Backends;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The {@code --backend} and {@code --set} options. */
final class BackendSelection {

    @Option(names = {"-b", "--backend"}, paramLabel = "ID",
            description = "the backend: kubernetes, sagemaker, vertex or in-memory (default: $INFERSCALE_BACKEND)")
    String id;

    @Option(names = "--set", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = {"backend configuration, repeatable, e.g. --set sagemaker.region=us-east-1;",
                "also read from system properties inferscale.KEY and variables INFERSCALE_KEY"})
    Map<String, String> values = new LinkedHashMap<>();

    /** The backend id from {@code --backend} or {@code INFERSCALE_BACKEND}, or {@code null}. */
    String idOrNull(CliContext context) {
        if (id != null && !id.isBlank()) {
            return id.trim();
        }
        String env = context.env("INFERSCALE_BACKEND");
        return env == null || env.isBlank() ? null : env.trim();
    }

    /** The backend id, required. */
    String requireId(CliContext context) {
        String found = idOrNull(context);
        if (found == null) {
            throw new UsageException("no backend given: add --backend ID (one of: "
                    + String.join(", ", context.backends().ids()) + ") or set INFERSCALE_BACKEND");
        }
        return found;
    }

    /** The configuration: {@code --set} values, then system properties, then the environment. */
    BackendConfig config(CliContext context) {
        Backends backends = context.backends();
        Set<String> ids = new TreeSet<>(backends.ids());
        ids.addAll(Backends.KNOWN_ARTIFACTS.keySet());
        for (Map.Entry<String, String> e : values.entrySet()) {
            String key = e.getKey();
            int dot = key.indexOf('.');
            if (dot <= 0 || !ids.contains(key.substring(0, dot))) {
                throw new UsageException("--set " + key + ": configuration keys start with a backend id and a dot ("
                        + String.join(", ", ids) + "), e.g. sagemaker.region; see 'inferscale backends ID' for each backend's keys");
            }
            if (e.getValue().isEmpty()) {
                throw new UsageException("--set " + key + ": no value; write --set " + key + "=VALUE");
            }
        }
        return context.config(values);
    }

    /** Creates the selected backend. */
    Backend create(CliContext context) {
        String backendId = requireId(context);
        BackendConfig config = config(context);
        return context.backends().create(backendId, config);
    }
}
