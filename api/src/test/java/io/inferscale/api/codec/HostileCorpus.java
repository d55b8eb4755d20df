package io.inferscale.api.codec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The hostile-input corpus in {@code src/test/resources/hostile/}: one bad document per file, and
 * {@code expectations.tsv} saying for each which backend validates it (or {@code -} for the neutral rules
 * only), where its error is (a field path, {@code line N}) and a phrase of its message.
 */
final class HostileCorpus {

    /** One row of {@code expectations.tsv}. */
    record Entry(String file, String backend, String where, String phrase) {
        boolean neutral() {
            return backend.equals("-");
        }

        /** The source line the error must name, or 0 when {@link #where} is a field path. */
        int line() {
            return where.startsWith("line ") ? Integer.parseInt(where.substring(5)) : 0;
        }

        @Override
        public String toString() {
            return file + (neutral() ? "" : " (" + backend + ")");
        }
    }

    private HostileCorpus() {
    }

    static Path directory() {
        try {
            return Path.of(Objects.requireNonNull(HostileCorpus.class.getResource("/hostile/expectations.tsv"), "hostile corpus").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Entry> entries() {
        try {
            List<Entry> out = new ArrayList<>();
            for (String line : Files.readAllLines(directory().resolve("expectations.tsv"))) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length != 4) {
                    throw new IllegalStateException("expectations.tsv: expected 4 tab-separated columns: " + line);
                }
                out.add(new Entry(f[0], f[1], f[2], f[3]));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
