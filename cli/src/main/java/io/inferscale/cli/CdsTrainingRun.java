package io.inferscale.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The training run of the {@code inferscale} launcher's application class-data sharing (AppCDS) archive: run
 * once with {@code java -XX:ArchiveClassesAtExit=FILE -cp inferscale.jar io.inferscale.cli.CdsTrainingRun}, it
 * executes the offline commands in one JVM (help, {@code backends}, {@code validate} with and without a
 * backend, and {@code render} on every backend found, from a file and from standard input), so that the JVM
 * writes every class they load to FILE; later runs with {@code -XX:SharedArchiveFile=FILE} map those classes,
 * already parsed and verified, instead of loading them from the jar. Nothing touches the network, the
 * environment's backend configuration or any state: the in-memory backend keeps no state file here.
 *
 * <p>Output is discarded; the exit code is 0 when every command ended as expected, 1 otherwise (the launcher
 * then keeps running without an archive). Not thread-safe; meant to be the whole program.
 */
public final class CdsTrainingRun {

    private CdsTrainingRun() {
    }

    /**
     * Runs the training commands.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        Main.configureLogging();
        System.exit(run() ? 0 : 1);
    }

    /** Runs the training commands; true when each returned the exit code expected of it. */
    static boolean run() {
        byte[] document = trainingDocument();
        Path file = null;
        try {
            file = Files.createTempFile("inferscale-cds-training", ".yaml");
            Files.write(file, document);
            String f = file.toString();
            List<String[]> commands = new ArrayList<>();
            commands.add(new String[] {"--help"});
            commands.add(new String[] {"backends"});
            commands.add(new String[] {"validate", "-f", f});
            for (String backend : CliContext.system().backends().ids()) {
                commands.add(new String[] {"validate", "-f", f, "--backend", backend});
                commands.add(new String[] {"render", "-f", f, "--backend", backend});
                commands.add(new String[] {"render", "-f", "-", "--backend", backend});
            }
            commands.add(new String[] {"validate", "-f", f + ".missing"}); // the error path: exit 1
            boolean ok = true;
            for (String[] command : commands) {
                int expected = command[command.length - 1].endsWith(".missing") ? ExitCode.INVALID : ExitCode.OK;
                CliContext context = CliContext.builder()
                        .in(new ByteArrayInputStream(document))
                        .environment(Map.of())
                        .terminal(false)
                        .build();
                PrintWriter discard = new PrintWriter(Writer.nullWriter());
                ok &= Main.execute(context, discard, discard, command) == expected;
            }
            return ok;
        } catch (IOException e) {
            return false;
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }

    private static byte[] trainingDocument() {
        try (InputStream in = CdsTrainingRun.class.getResourceAsStream("cds-training-endpoint.yaml")) {
            if (in == null) {
                throw new IllegalStateException("cds-training-endpoint.yaml is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
