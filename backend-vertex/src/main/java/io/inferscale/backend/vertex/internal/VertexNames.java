package io.inferscale.backend.vertex.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Vertex AI naming rules (from the v1 protos' field comments: CreateEndpointRequest.endpoint_id,
 * UploadModelRequest.model_id, Endpoint.labels, Endpoint.display_name).
 */
public final class VertexNames {

    /** Endpoint id starting with a letter: up to 63 of [a-z0-9-], ending with a letter or digit. */
    public static final Pattern ENDPOINT_ID = Pattern.compile("[a-z]([a-z0-9-]{0,61}[a-z0-9])?");
    /** Model id: up to 63 of [a-z0-9_-], not starting with a digit or hyphen. */
    public static final Pattern MODEL_ID = Pattern.compile("[a-z_][a-z0-9_-]{0,62}");
    /** Label keys: start with a lower-case letter; keys and values up to 63 of lower-case letters, digits, '_' and '-'. */
    public static final Pattern LABEL_KEY = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
    /** Label values (may be empty). */
    public static final Pattern LABEL_VALUE = Pattern.compile("[a-z0-9_-]{0,63}");
    /** Longest display name, in characters. */
    public static final int MAX_DISPLAY_NAME = 128;
    /** Most labels per resource (Google Cloud label limit). */
    public static final int MAX_LABELS = 64;
    /** Prefix for endpoint names that start with a digit. */
    public static final String DIGIT_PREFIX = "ep-";

    private VertexNames() {
    }

    /** The endpoint id for an endpoint name (a DNS-1123 label), or null when none can be derived. */
    public static String endpointId(String name) {
        String id = !name.isEmpty() && Character.isDigit(name.charAt(0)) ? DIGIT_PREFIX + name : name;
        return ENDPOINT_ID.matcher(id).matches() ? id : null;
    }

    /** A model id: the endpoint id (cut to fit) plus a content hash, so a changed model gets a new id. */
    public static String modelId(String endpointId, String contentHash) {
        String base = endpointId.length() > 52 ? endpointId.substring(0, 52).replaceAll("-+$", "") : endpointId;
        return base + "-" + contentHash;
    }

    /** Ten hex digits of SHA-256 over the parts. */
    public static String hash(String... parts) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                d.update((p == null ? "\u0000" : p).getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0x1f);
            }
            return HexFormat.of().formatHex(d.digest()).substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A label key Vertex accepts: lower-cased, other characters as '_', a leading non-letter prefixed with "l_". */
    public static String labelKey(String key) {
        String s = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "_");
        if (s.isEmpty() || !Character.isLetter(s.charAt(0))) {
            s = "l_" + s;
        }
        return s.length() > 63 ? s.substring(0, 63) : s;
    }

    /** A label value Vertex accepts: lower-cased, other characters as '_'. */
    public static String labelValue(String value) {
        String s = value.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "_");
        return s.length() > 63 ? s.substring(0, 63) : s;
    }

    /** Cuts a display name to the Vertex limit. */
    public static String displayName(String name) {
        return name.length() > MAX_DISPLAY_NAME ? name.substring(0, MAX_DISPLAY_NAME) : name;
    }
}
