package io.inferscale.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.logging.LogManager;

/**
 * The {@code java.util.logging} configuration of the {@code inferscale} command, installed as
 * {@code java.util.logging.config.class} so that it runs only if some library (gRPC, for Vertex AI) actually
 * initialises {@code java.util.logging}: starting the {@link LogManager} eagerly costs 20-60 ms of every
 * command's start-up. It reads the configuration {@code java.util.logging} would read by default (the file in
 * {@code java.util.logging.config.file}, else {@code $JAVA_HOME/conf/logging.properties}) and sets the root
 * level ({@code .level}) to the value of the system property {@value #LEVEL_PROPERTY}, e.g. {@code OFF}.
 *
 * <p>Public with a public constructor because {@link LogManager} instantiates it by reflection.
 */
public final class JavaLoggingLevel {

    /** The system property holding the root level to set, a {@link java.util.logging.Level} name. */
    public static final String LEVEL_PROPERTY = "inferscale.javaLoggingLevel";

    /**
     * Reads the default configuration with the root level replaced; called by {@link LogManager} while it
     * initialises.
     *
     * @throws IOException when the default configuration file exists but cannot be read
     */
    public JavaLoggingLevel() throws IOException {
        String file = System.getProperty("java.util.logging.config.file");
        Path path = file != null ? Path.of(file) : Path.of(System.getProperty("java.home"), "conf", "logging.properties");
        byte[] configuration = Files.isRegularFile(path) ? Files.readAllBytes(path) : new byte[0];
        String level = System.getProperty(LEVEL_PROPERTY);
        // a later key wins in a properties file; the blank line ends a continuation the file may end with
        byte[] root = level == null ? new byte[0] : ("\n\n.level=" + level + "\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = Arrays.copyOf(configuration, configuration.length + root.length);
        System.arraycopy(root, 0, all, configuration.length, root.length);
        LogManager.getLogManager().readConfiguration(new ByteArrayInputStream(all));
    }
}
