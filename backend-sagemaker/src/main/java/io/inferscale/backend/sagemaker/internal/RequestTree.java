package io.inferscale.backend.sagemaker.internal;

import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns SDK request objects into ordered trees keyed by the members' wire names (PascalCase, as in the
 * AWS API reference), using the SDK's own field metadata. Unset members are left out.
 */
public final class RequestTree {

    private RequestTree() {
    }

    /** The request's members as an ordered map; nested structures become maps, lists become lists. */
    public static Map<String, Object> of(SdkPojo pojo) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (SdkField<?> field : pojo.sdkFields()) {
            Object value = value(field.getValueOrDefault(pojo));
            if (value != null) {
                out.put(field.locationName(), value);
            }
        }
        return out;
    }

    private static Object value(Object v) {
        if (v == null || v instanceof SdkAutoConstructList<?> || v instanceof SdkAutoConstructMap<?, ?>) {
            return null;
        }
        if (v instanceof SdkPojo p) {
            return of(p);
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(e -> out.add(value(e)));
            return out;
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, e) -> out.put(String.valueOf(k), value(e)));
            return out;
        }
        if (v instanceof Instant i) {
            return i.getEpochSecond();
        }
        return v;
    }

    /** The first {@code hexChars} hex digits of the SHA-256 of {@code text}. */
    public static String hash(String text, int hexChars) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, hexChars);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
