package io.inferscale.examples;

import io.inferscale.api.DiscoveryException;
import io.inferscale.api.backend.Backends;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Picks the backend a program uses without naming a cloud in code: {@code INFERSCALE_BACKEND} when set,
 * else the one cloud backend on the class path (chosen by the Maven dependency, e.g. a profile), else
 * {@code in-memory}.
 */
public final class BackendChoice {

    private BackendChoice() {
    }

    /**
     * The backend id to use.
     *
     * @param backends    the backends found
     * @param environment environment variables ({@code System::getenv})
     * @throws DiscoveryException when several clouds are on the class path and {@code INFERSCALE_BACKEND} is not set
     */
    public static String choose(Backends backends, UnaryOperator<String> environment) {
        String chosen = environment.apply("INFERSCALE_BACKEND");
        if (chosen != null && !chosen.isBlank()) {
            return chosen.trim();
        }
        List<String> clouds = backends.ids().stream().filter(id -> !id.equals("in-memory")).toList();
        if (clouds.size() == 1) {
            return clouds.get(0);
        }
        if (clouds.isEmpty()) {
            return "in-memory";
        }
        throw new DiscoveryException("several cloud backends are on the class path (" + String.join(", ", clouds)
                + "): set INFERSCALE_BACKEND to one of them, or keep one dependency (mvn -Pkubernetes, -Psagemaker or -Pvertex)");
    }
}
