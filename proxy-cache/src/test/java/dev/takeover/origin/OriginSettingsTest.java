package dev.takeover.origin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OriginSettingsTest {

    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    @TempDir
    Path temp;

    @Test
    void acceptsAnExistingDirectoryAndARate() {
        OriginSettings settings = new OriginSettings(LOOPBACK, Optional.of(temp), 1024);

        assertThat(settings.rateLimited()).isTrue();
        assertThat(OriginSettings.of(LOOPBACK).rateLimited()).isFalse();
        assertThat(OriginSettings.of(LOOPBACK).directory()).isEmpty();
    }

    @Test
    void rejectsBadValues() throws Exception {
        Path file = Files.writeString(temp.resolve("f"), "x");

        assertThatThrownBy(() -> new OriginSettings(LOOPBACK, Optional.empty(), -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bytesPerSecond");
        assertThatThrownBy(() -> new OriginSettings(LOOPBACK, Optional.of(temp.resolve("missing")), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing");
        assertThatThrownBy(() -> new OriginSettings(LOOPBACK, Optional.of(file), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a directory");
        assertThatThrownBy(() -> new OriginSettings(InetSocketAddress.createUnresolved("nowhere.invalid", 80),
                Optional.empty(), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unresolved");
        assertThatThrownBy(() -> new OriginSettings(null, Optional.empty(), 0))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new OriginSettings(LOOPBACK, null, 0))
                .isInstanceOf(NullPointerException.class);
    }
}
