package dev.takeover.net;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class TransportTest {

    @Test
    void picksEpollOnLinuxAmd64() {
        // the epoll classes are found by name: a typo would silently fall back to NIO, so pin it where epoll ships
        assumeTrue(System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64"),
                "the module bundles epoll for linux-x86_64 only");

        Transport transport = Transport.best();

        assertThat(transport.name()).isEqualTo("epoll");
        assertThat(transport.serverChannel().getName()).isEqualTo("io.netty.channel.epoll.EpollServerSocketChannel");
    }

    @Test
    void nioIsAlwaysAvailable() {
        assertThat(Transport.nio().serverChannel().getSimpleName()).isEqualTo("NioServerSocketChannel");
    }
}
