package io.inferscale.api;

import java.util.Objects;

/**
 * An environment variable whose value comes from one key of a secret instead of the document, written
 * {@code valueFrom: {secretKeyRef: {name: my-secret, key: token}}} as in a Kubernetes container. Only the
 * reference is held, never the value. Backends that cannot resolve it reject it by field
 * ({@code spec.model.env.NAME}) and say what to do instead.
 *
 * @param name the secret's name, e.g. {@code hf-credentials} (a DNS subdomain on Kubernetes)
 * @param key  the key inside the secret, e.g. {@code token}
 */
public record SecretKeyRef(String name, String key) {

    /** Rejects nulls; the neutral validation checks the names. */
    public SecretKeyRef {
        Objects.requireNonNull(name, "secret name");
        Objects.requireNonNull(key, "secret key");
    }
}
