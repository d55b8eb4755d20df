package io.inferscale.api;

import java.util.Locale;

/**
 * The one secret masker. Every value InferScale must not print (configuration values whose key looks secret or
 * is declared secret, option values, credentials in an artifact URI) is shown as {@link #HIDDEN} in
 * {@code toString}, logs, diffs and exception messages, whatever the backend.
 */
public final class Secrets {

    /** What a hidden value prints as. */
    public static final String HIDDEN = "****";

    private Secrets() {
    }

    /**
     * True when a key's name says its value is a secret: it contains secret, password, passwd, token,
     * credential, bearer, authorization, accesskey/access-key or privatekey/private-key, or ends with
     * {@code key} (but not {@code publickey}); case-insensitive.
     */
    public static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("secret") || k.contains("password") || k.contains("passwd") || k.contains("token") || k.contains("credential")
                || k.contains("bearer") || k.contains("authorization") || k.contains("accesskey") || k.contains("access-key")
                || k.contains("privatekey") || k.contains("private-key") || k.endsWith("key") && !k.endsWith("publickey");
    }

    /** {@code value}, or {@link #HIDDEN} when {@code key} names a secret ({@link #isSecretKey}). */
    public static String mask(String key, String value) {
        return isSecretKey(key) ? HIDDEN : value;
    }

    /**
     * {@code uri} without the parts that can carry credentials: user info becomes {@code ****@} and a query string
     * (a pre-signed URL's signature) {@code ?****}; e.g. {@code https://bob:pw@host/m.tar.gz?sig=x} becomes
     * {@code https://****@host/m.tar.gz?****}. Null stays null.
     */
    public static String maskUri(String uri) {
        return uri == null ? null : uri.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@", "$1" + HIDDEN + "@").replaceFirst("\\?.*", "?" + HIDDEN);
    }
}
