package dev.takeover.kernel;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExternalCommandTest {

    private static final ExternalCommand SHELL = ExternalCommand.direct();

    @Test
    void collectsExitStatusOutputAndErrorOutput() throws IOException {
        ExternalCommand.Result result = SHELL.run("in\n", "sh", "-c", "cat; echo err >&2; exit 3");

        assertThat(result.ok()).isFalse();
        assertThat(result.exit()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("in\n");
        assertThat(result.stderr()).isEqualTo("err\n");
        assertThat(result.failure()).hasMessage("sh -c cat; echo err >&2; exit 3 failed (exit 3): err");
    }

    @Test
    void prefixGoesBeforeEveryCommand() throws IOException {
        ExternalCommand prefixed = new ExternalCommand(List.of("env", "GREETING=hi"), Duration.ofSeconds(10));

        assertThat(prefixed.run(null, "sh", "-c", "echo $GREETING").stdout()).isEqualTo("hi\n");
    }

    @Test
    void killsACommandThatOverrunsItsLimit() {
        ExternalCommand impatient = new ExternalCommand(List.of(), Duration.ofMillis(200));

        assertThatThrownBy(() -> impatient.run(null, "sleep", "30"))
                .isInstanceOf(IOException.class).hasMessageContaining("sleep 30 did not finish within PT0.2S");
    }

    @Test
    void aMissingProgramIsAnIOException() {
        assertThatThrownBy(() -> SHELL.run(null, "no-such-program-tko")).isInstanceOf(IOException.class)
                .hasMessageContaining("no-such-program-tko");
    }
}
