package dev.takeover.kernel;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CapabilitiesTest {

    @Test
    void reportsWhatTheProcessMayDo() {
        Capabilities found = Capabilities.detect();

        assertThat(found.linux()).isTrue(); // the build targets Linux
        assertThat(found.tcpRepair()).isEqualTo(Privileges.has(Privileges.CAP_NET_ADMIN));
        assertThat(found.rawSockets()).isEqualTo(Privileges.has(Privileges.CAP_NET_RAW));
        assertThat(Capabilities.canRepair()).isEqualTo(found.tcpRepair());
        if (found.tcpRepair() && found.rawSockets()) {
            assertThat(found.summary()).contains("available");
        } else {
            assertThat(found.summary()).contains("unavailable").contains("EPERM");
        }
    }
}
