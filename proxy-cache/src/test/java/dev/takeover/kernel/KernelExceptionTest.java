package dev.takeover.kernel;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class KernelExceptionTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "setsockopt(TCP_REPAIR) | 1   | EPERM         | setsockopt(TCP_REPAIR) failed: EPERM (1)         | true",
            "bind                   | 99  | EADDRNOTAVAIL | bind failed: EADDRNOTAVAIL (99)                  | false",
            "if_nametoindex(eth9)   | 19  | ENODEV        | if_nametoindex(eth9) failed: ENODEV (19)         | false",
            "socket                 | 13  | EACCES        | socket failed: EACCES (13)                       | true",
            "poll                   | 200 | errno         | poll failed: errno (200)                         | false"})
    void namesTheCallAndTheError(String call, int errno, String name, String message, boolean permission) {
        KernelException e = new KernelException(call, errno);

        assertThat(e).hasMessage(message);
        assertThat(e.call()).isEqualTo(call);
        assertThat(e.errno()).isEqualTo(errno);
        assertThat(e.errnoName()).isEqualTo(name);
        assertThat(e.isPermissionDenied()).isEqualTo(permission);
    }
}
