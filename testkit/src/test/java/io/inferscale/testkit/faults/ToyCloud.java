package io.inferscale.testkit.faults;

import io.inferscale.api.BackendException;
import io.inferscale.api.InferenceEndpoint;
import io.inferscale.api.backend.ApplyResult;
import io.inferscale.api.backend.Backend;
import io.inferscale.api.backend.Capabilities;
import io.inferscale.api.backend.EndpointState;
import io.inferscale.api.backend.EndpointStatus;
import io.inferscale.api.backend.Plan;
import io.inferscale.api.backend.Rendering;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A tiny two-object "cloud" with a fault switch, for testing the harness itself. Its backend writes a
 * "model" then an "endpoint" object per endpoint; its client retries a failed call twice, like an SDK.
 * {@link Flaw} makes the backend break one promise so tests can check the harness notices.
 */
final class ToyCloud {

    /** Which promise the toy backend breaks. */
    enum Flaw {
        NONE,
        /** Throws the raw client exception instead of BackendException.atStep. */
        RAW_EXCEPTION,
        /** Delete forgets the model object when the endpoint's delete failed once. */
        ORPHAN_ON_DELETE,
        /** A failed apply marks the spec as applied anyway, so a re-run does nothing. */
        NO_CONVERGENCE,
        /** The fake's arm() keys faults by another name than the calls it records: no fault ever fires. */
        ARM_MISSES
    }

    final Map<String, String> objects = new TreeMap<>();
    final List<String> calls = new ArrayList<>();
    private boolean endpointDeleteFailed;
    private String specMarkedApplied;
    private String armedCall;
    long injected;
    boolean armMisses;
    private Fault armedFault;
    private FaultMode armedMode;

    synchronized void arm(String call, Fault fault, FaultMode mode) {
        armedCall = armMisses ? call.toLowerCase(java.util.Locale.ROOT) : call;
        armedFault = fault;
        armedMode = mode;
    }

    synchronized void disarm() {
        armedCall = null;
    }

    /** One remote call as the client sees it: up to three attempts. */
    private void call(String name) {
        BackendException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            synchronized (this) {
                calls.add(name);
                if (name.equals(armedCall)) {
                    if (armedMode == FaultMode.ONCE) {
                        armedCall = null;
                    }
                    injected++;
                    last = new BackendException("toy", armedFault == Fault.CONFLICT ? BackendException.Reason.CONFLICT
                            : BackendException.Reason.UNAVAILABLE, armedFault + " on " + name);
                    continue;
                }
                return;
            }
        }
        throw last;
    }

    Backend backend(Flaw flaw) {
        return new Backend() {
            @Override
            public String id() {
                return "toy";
            }

            @Override
            public Capabilities capabilities() {
                return Capabilities.builder().build();
            }

            @Override
            public Rendering render(InferenceEndpoint endpoint) {
                return new Rendering("toy", "text", endpoint.name(), List.of());
            }

            @Override
            public Plan plan(InferenceEndpoint endpoint) {
                return new Plan(endpoint.name(), "toy", List.of(), List.of());
            }

            @Override
            public ApplyResult apply(InferenceEndpoint endpoint) {
                String spec = "max=" + endpoint.autoscaling().maxReplicas();
                if (spec.equals(specMarkedApplied)) {
                    return new ApplyResult(plan(endpoint), status(endpoint.name()));
                }
                for (String kind : List.of("model", "endpoint")) {
                    String key = kind + "/" + endpoint.name();
                    if (spec.equals(objects.get(key))) {
                        continue;
                    }
                    try {
                        step("apply", endpoint.name(), "Put " + kind, () -> {
                            call("Put " + kind);
                            objects.put(key, spec);
                        });
                    } catch (RuntimeException e) {
                        if (flaw == Flaw.NO_CONVERGENCE) {
                            specMarkedApplied = spec;
                        }
                        throw e;
                    }
                }
                return new ApplyResult(plan(endpoint), status(endpoint.name()));
            }

            @Override
            public Optional<EndpointStatus> get(String name) {
                if (!objects.containsKey("endpoint/" + name)) {
                    return Optional.empty();
                }
                return Optional.of(EndpointStatus.builder(name, "toy").state(EndpointState.READY).build());
            }

            @Override
            public List<EndpointStatus> list() {
                return List.of();
            }

            @Override
            public EndpointStatus awaitReady(String name, Duration timeout) {
                return status(name);
            }

            @Override
            public boolean delete(String name) {
                boolean any = false;
                for (String kind : List.of("endpoint", "model")) {
                    String key = kind + "/" + name;
                    if (!objects.containsKey(key)) {
                        continue;
                    }
                    any = true;
                    if (flaw == Flaw.ORPHAN_ON_DELETE && kind.equals("model") && endpointDeleteFailed) {
                        continue;
                    }
                    step("delete", name, "Delete " + kind, () -> {
                        call("Delete " + kind);
                        objects.remove(key);
                    });
                }
                return any;
            }

            private void step(String operation, String name, String step, Runnable action) {
                try {
                    action.run();
                } catch (BackendException e) {
                    endpointDeleteFailed |= step.equals("Delete endpoint");

                    if (flaw == Flaw.RAW_EXCEPTION) {
                        throw new IllegalStateException("boom", e);
                    }
                    throw BackendException.atStep(operation, name, step, e);
                }
            }
        };
    }
}
