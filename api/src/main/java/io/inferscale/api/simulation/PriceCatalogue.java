package io.inferscale.api.simulation;

import io.inferscale.api.ConfigurationException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A backend's on-demand prices, one row per region and billed item (an instance or machine type, an accelerator, or for
 * Kubernetes a unit such as {@code vcpuHour}), each with where the figure comes from, and the user's overrides of them
 * in {@link ModelSettings}. Backends ship theirs as a CSV resource with the header
 * {@code region,item,usd_per_hour,basis,source,date}: {@code basis} is {@code published} (the figure is the cloud's
 * published on-demand price, {@code source} names the page) or {@code assumption} ({@code source} says how the figure
 * was derived); {@code date} is when the figure was read or derived (ISO date). Cells may be double-quoted; {@code #}
 * starts a comment line. The first row's region is the default region.
 *
 * <p>Overrides, most specific first: {@code <backend>.price.<region>.<item>} (one region), then
 * {@code <backend>.price.<item>} (any region), then the catalogue. A setting's {@link ModelSettings#origin(String) origin}
 * (e.g. {@code --prices prices.yaml line 3}) becomes the price's source; a setting without one is reported as
 * {@code --setting KEY=VALUE}.
 */
public final class PriceCatalogue {

    /** The CSV header every catalogue starts with. */
    public static final String HEADER = "region,item,usd_per_hour,basis,source,date";

    /**
     * One catalogue row.
     *
     * @param region     the cloud's region name, e.g. {@code us-east-1}
     * @param item       what is billed, e.g. {@code ml.g6.xlarge}, {@code n1-standard-4}, {@code NVIDIA_TESLA_T4}, {@code vcpuHour}
     * @param usdPerHour on-demand price for one hour, US dollars
     * @param assumption true when the figure is derived rather than read from the cloud's price page
     * @param source     the page the figure is published on, or how it was derived
     * @param date       when the figure was read or derived, ISO-8601 date
     */
    public record Entry(String region, String item, double usdPerHour, boolean assumption, String source, String date) {
    }

    private final String backendId;
    private final String name;
    private final Map<String, Map<String, Entry>> byRegion;

    private PriceCatalogue(String backendId, String name, Map<String, Map<String, Entry>> byRegion) {
        this.backendId = backendId;
        this.name = name;
        this.byRegion = byRegion;
    }

    /**
     * Reads a catalogue shipped as a class-path resource next to {@code owner}.
     *
     * @throws IllegalStateException when the resource is missing or malformed (a packaging error, not user input)
     */
    public static PriceCatalogue resource(String backendId, Class<?> owner, String resource) {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("price catalogue " + resource + " is missing next to " + owner.getName());
            }
            return read(backendId, resource, in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read price catalogue " + resource, e);
        }
    }

    /**
     * Reads a catalogue in the CSV format above.
     *
     * @param name a name for messages, e.g. the resource name
     * @throws IllegalStateException naming the line of the first malformed row
     * @throws IOException           when the stream cannot be read
     */
    public static PriceCatalogue read(String backendId, String name, InputStream csv) throws IOException {
        Objects.requireNonNull(backendId, "backendId");
        Map<String, Map<String, Entry>> rows = new LinkedHashMap<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(csv, StandardCharsets.UTF_8));
        String line;
        int n = 0;
        boolean header = false;
        while ((line = r.readLine()) != null) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (!header) {
                if (!line.strip().equals(HEADER)) {
                    throw new IllegalStateException(name + " line " + n + ": expected the header " + HEADER);
                }
                header = true;
                continue;
            }
            List<String> c = cells(line);
            if (c.size() != 6) {
                throw new IllegalStateException(name + " line " + n + ": expected 6 cells, got " + c.size());
            }
            double usd;
            try {
                usd = Double.parseDouble(c.get(2));
            } catch (NumberFormatException e) {
                throw new IllegalStateException(name + " line " + n + ": usd_per_hour '" + c.get(2) + "' is not a number");
            }
            if (!(usd >= 0) || Double.isInfinite(usd) || !(c.get(3).equals("published") || c.get(3).equals("assumption"))
                    || c.get(0).isEmpty() || c.get(1).isEmpty() || c.get(4).isEmpty() || !c.get(5).matches("\\d{4}-\\d{2}-\\d{2}")) {
                throw new IllegalStateException(name + " line " + n + ": needs a region, an item, a price of 0 or more, basis "
                        + "published or assumption, a source and an ISO date");
            }
            Entry e = new Entry(c.get(0), c.get(1), usd, c.get(3).equals("assumption"), c.get(4), c.get(5));
            if (rows.computeIfAbsent(e.region(), k -> new LinkedHashMap<>()).put(e.item(), e) != null) {
                throw new IllegalStateException(name + " line " + n + ": " + e.region() + " " + e.item() + " is listed twice");
            }
        }
        if (rows.isEmpty()) {
            throw new IllegalStateException(name + " has no prices");
        }
        rows.replaceAll((k, v) -> Collections.unmodifiableMap(v));
        return new PriceCatalogue(backendId, name, Collections.unmodifiableMap(rows));
    }

    /** Splits one CSV line; a double-quoted cell may hold commas and {@code ""} for a quote. */
    private static List<String> cells(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(cell.toString().strip());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        out.add(cell.toString().strip());
        return out;
    }

    /** The backend id, e.g. {@code sagemaker}. */
    public String backendId() {
        return backendId;
    }

    /** The prefix of price settings: {@code <backend>.price.} (for {@link AutoscalerModelProvider#settingKeyPrefixes()}). */
    public String settingPrefix() {
        return backendId + ".price.";
    }

    /** The setting that chooses the region: {@code <backend>.region}. */
    public String regionKey() {
        return backendId + ".region";
    }

    /** A provider's setting keys plus {@link #regionKey()}, for {@link AutoscalerModelProvider#settingKeys()}. */
    public Set<String> withRegionKey(Set<String> modelKeys) {
        Set<String> keys = new java.util.HashSet<>(modelKeys);
        keys.add(regionKey());
        return Set.copyOf(keys);
    }

    /** The region of the first row, used when no region is set. */
    public String defaultRegion() {
        return byRegion.keySet().iterator().next();
    }

    /** The catalogued regions, in catalogue order. */
    public Set<String> regions() {
        return byRegion.keySet();
    }

    /** The items catalogued in a region (empty for an unknown region). */
    public Set<String> items(String region) {
        return byRegion.getOrDefault(region, Map.of()).keySet();
    }

    /** The catalogue row of an item in a region. */
    public Optional<Entry> find(String region, String item) {
        return Optional.ofNullable(byRegion.getOrDefault(region, Map.of()).get(item));
    }

    /**
     * The region to price in: the setting {@code <backend>.region}, else the {@link #defaultRegion()}.
     *
     * @throws ConfigurationException when the setting names a region the catalogue does not have and no price setting
     *                                could stand in for it (the message lists the catalogued regions)
     */
    public String region(ModelSettings settings) {
        Optional<String> set = settings.get(regionKey()).map(String::strip);
        if (set.isEmpty()) {
            return defaultRegion();
        }
        String region = set.get();
        if (!byRegion.containsKey(region) && settings.asMap().keySet().stream().noneMatch(k -> k.startsWith(settingPrefix()))) {
            throw new ConfigurationException("model setting " + regionKey() + " was '" + region + "' but the " + backendId
                    + " price catalogue has " + String.join(", ", byRegion.keySet()) + "; choose one of them, or price the machine in "
                    + region + " with --setting " + settingPrefix() + region + ".ITEM=USD (or --prices FILE)");
        }
        return region;
    }

    /**
     * The hourly price of {@code item} in {@code region}: a setting if one applies, else the catalogue's figure;
     * empty when neither knows the item. Every price setting of this backend is checked, used or not.
     *
     * @return a price whose {@code machine} is the item and whose source says where the figure comes from
     * @throws ConfigurationException naming the key of a price setting that is not a number of 0 or more
     */
    public Optional<ReplicaPrice> price(ModelSettings settings, String region, String item) {
        checkOverrides(settings);
        for (String key : List.of(settingPrefix() + region + "." + item, settingPrefix() + item)) {
            Optional<String> v = settings.get(key);
            if (v.isPresent()) {
                String from = settings.origin(key).orElse("--setting " + key + "=" + v.get().strip());
                return Optional.of(new ReplicaPrice(item, Double.parseDouble(v.get().strip()), from));
            }
        }
        return find(region, item).map(e -> new ReplicaPrice(item, e.usdPerHour(), describe(e)));
    }

    /**
     * A price made of parts: {@code quantity x part price} each, e.g. a machine plus its attached accelerators, or a
     * Kubernetes replica's vCPUs, GiB and GPUs. Its source lists every part's; it is an assumption when any part is.
     *
     * @param machine    what the whole is, e.g. {@code n1-standard-4 + 1 x NVIDIA_TESLA_T4}
     * @param quantities each part's price (its {@code machine} names the item) and how many of it one replica uses;
     *                   parts with quantity 0 are left out of the source
     */
    public static ReplicaPrice combine(String machine, Map<ReplicaPrice, Double> quantities) {
        double usd = 0;
        List<String> sources = new ArrayList<>();
        boolean assumed = false;
        for (Map.Entry<ReplicaPrice, Double> q : quantities.entrySet()) {
            if (q.getValue() == 0) {
                continue;
            }
            ReplicaPrice p = q.getKey();
            usd += q.getValue() * p.usdPerHour();
            assumed |= p.source().startsWith("assumption");
            sources.add(quantity(q.getValue()) + " x " + p.machine() + " at $" + quantity(p.usdPerHour()) + "/h from " + p.source());
        }
        String joined = String.join("; ", sources);
        return new ReplicaPrice(machine, usd, assumed && !joined.startsWith("assumption") ? "assumption (a part is assumed): " + joined : joined);
    }

    /** A number without trailing zeros, up to 6 decimals: {@code 0.5}, {@code 0.031611}, {@code 2}. */
    public static String quantity(double v) {
        return java.math.BigDecimal.valueOf(v).setScale(6, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    /** The source text of a catalogue row: {@code catalogue: <page>, <region>, <date>} or {@code assumption; ...}. */
    public String describe(Entry e) {
        if (e.assumption()) {
            return "assumption; override with --setting " + settingPrefix() + e.item() + "=USD or --prices FILE. Catalogue "
                    + name + ", " + e.region() + ", " + e.date() + ": " + e.source();
        }
        return "catalogue: " + e.source() + ", " + e.region() + ", " + e.date();
    }

    private void checkOverrides(ModelSettings settings) {
        List<String> bad = new ArrayList<>();
        settings.asMap().forEach((k, v) -> {
            if (k.startsWith(settingPrefix())) {
                double usd;
                try {
                    usd = Double.parseDouble(v.strip());
                } catch (NumberFormatException e) {
                    usd = Double.NaN;
                }
                if (!(usd >= 0) || Double.isInfinite(usd)) {
                    bad.add("model setting " + k + " was '" + v + "'" + settings.origin(k).map(o -> " (" + o + ")").orElse("")
                            + " but it must be a price in US dollars per hour, 0 or more");
                }
            }
        });
        if (!bad.isEmpty()) {
            throw new ConfigurationException(String.join("; ", bad));
        }
    }

    @Override
    public String toString() {
        return "PriceCatalogue[" + backendId + ", " + name + ", regions " + byRegion.keySet() + "]";
    }
}
