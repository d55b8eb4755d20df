package io.inferscale.backend.vertex.internal;

import io.inferscale.api.ConfigurationException;
import io.inferscale.api.backend.BackendConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("vertex.project falls back to Google Cloud's own conventions")
class VertexProjectTest {

    private static VertexSettings settings(Map<String, String> values, Map<String, String> env) {
        return VertexSettings.from(BackendConfig.of(values, k -> null, env::get));
    }

    private static Path gcloud(Path home, String active, String config, String text) throws IOException {
        Path dir = home.resolve(".config/gcloud");
        Files.createDirectories(dir.resolve("configurations"));
        if (active != null) {
            Files.writeString(dir.resolve("active_config"), active + "\n");
        }
        Files.writeString(dir.resolve("configurations").resolve("config_" + config), text);
        return dir;
    }

    @Test
    @DisplayName("vertex.project wins over GOOGLE_CLOUD_PROJECT, which wins over CLOUDSDK_CORE_PROJECT and gcloud")
    void precedence(@TempDir Path home) throws IOException {
        gcloud(home, "work", "work", "[core]\naccount = a@example.com\nproject = from-gcloud\n");
        Map<String, String> env = Map.of("HOME", home.toString(), "GOOGLE_CLOUD_PROJECT", "from-env",
                "CLOUDSDK_CORE_PROJECT", "from-sdk-env");
        assertThat(settings(Map.of("vertex.project", "explicit"), env).requireProject()).isEqualTo("explicit");
        assertThat(settings(Map.of(), env).requireProject()).isEqualTo("from-env");
        assertThat(settings(Map.of(), Map.of("HOME", home.toString(), "CLOUDSDK_CORE_PROJECT", "from-sdk-env")).requireProject())
                .isEqualTo("from-sdk-env");
        assertThat(settings(Map.of(), Map.of("HOME", home.toString())).requireProject()).isEqualTo("from-gcloud");
    }

    @Test
    @DisplayName("the active gcloud configuration is read from active_config, CLOUDSDK_ACTIVE_CONFIG_NAME or 'default', [core] only")
    void activeConfiguration(@TempDir Path home) throws IOException {
        Path dir = gcloud(home, null, "default", "[compute]\nproject = not-core\n[core]\nproject=default-project\n");
        Files.writeString(dir.resolve("configurations/config_other"), "[core]\nproject = other-project\n");
        assertThat(settings(Map.of(), Map.of("HOME", home.toString())).project()).contains("default-project");
        assertThat(settings(Map.of(), Map.of("HOME", home.toString(), "CLOUDSDK_ACTIVE_CONFIG_NAME", "other")).project())
                .contains("other-project");
        assertThat(settings(Map.of(), Map.of("CLOUDSDK_CONFIG", dir.toString())).project()).contains("default-project");
    }

    @Test
    @DisplayName("with none of them, the error names every place a project can come from")
    void noneSet(@TempDir Path home) throws IOException {
        gcloud(home, "default", "default", "[core]\naccount = a@example.com\n");
        VertexSettings s = settings(Map.of(), Map.of("HOME", home.toString()));
        assertThat(s.project()).isEmpty();
        assertThatThrownBy(s::requireProject).isInstanceOf(ConfigurationException.class)
                .hasMessage("missing configuration 'vertex.project' (the Google Cloud project to deploy to); set it with "
                        + "--set vertex.project=..., the system property inferscale.vertex.project or the environment variable "
                        + "INFERSCALE_VERTEX_PROJECT (GOOGLE_CLOUD_PROJECT and the active gcloud configuration's project are read "
                        + "too, when set)");
    }
}
