package io.inferscale.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
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
        Properties properties = new Properties();
        String file = System.getProperty("java.util.logging.config.file");
        Path path = file != null ? Path.of(file) : Path.of(System.getProperty("java.home"), "conf", "logging.properties");
        if (Files.isRegularFile(path)) {
            try (InputStream in = Files.newInputStream(path)) {
                properties.load(in);
            }
        }
        String level = System.getProperty(LEVEL_PROPERTY);
        if (level != null) {
            properties.setProperty(".level", level);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        properties.store(bytes, null);
        LogManager.getLogManager().readConfiguration(new ByteArrayInputStream(bytes.toByteArray()));
    }
}
