package dev.takeover.kernel;

import static dev.takeover.kernel.TcpCodecTest.ip;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalSocketsTest {

    @Test
    void onlyTheTimeWaitSocketOfThatFourTupleIsNamed() {
        assertThat(LocalSockets.releaseArguments(new FourTuple(ip("198.18.0.104"), 80, ip("198.18.0.3"), 35238)))
                .containsExactly("ss", "-K", "-t", "-n", "state", "time-wait", "src", "198.18.0.104:80",
                        "dst", "198.18.0.3:35238");
    }

    @Test
    void aFourTupleHeldInTimeWaitIsReleasedAndTheConnectionRebuiltOnIt() throws Exception {
        Privileges.assumeNetworkAdmin();
        Privileges.assumeCommands("ss");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        FourTuple tuple;
        try (ServerSocket server = new ServerSocket(0, 1, loopback); Socket client = new Socket(loopback, server.getLocalPort())) {
            Socket accepted = server.accept();
            tuple = new FourTuple(ip("127.0.0.1"), server.getLocalPort(), ip("127.0.0.1"), client.getLocalPort());
            accepted.close(); // the server side closes first: it is the one left in TIME_WAIT
            client.close();
        }
        LoopbackConnection.await("the server side in TIME_WAIT", Duration.ofSeconds(5), () -> inTimeWait(tuple));

        new LocalSockets().releaseTimeWait(tuple);

        assertThat(inTimeWait(tuple)).isFalse();
        int fd = TcpRepair.rebuild(new RebuildSpec(tuple, 1000, 2000, new TcpOptions(true, true, true, 7, 7, 1460), 1,
                512, false));
        Libc.close(fd);
    }

    @Test
    void readsSsEstablishedLines() {
        assertThat(LocalSockets.parse("0      0      198.18.0.104:80  198.18.0.3:35238 \n"
                + "0      1448   [::ffff:198.18.0.104]:80  [::ffff:198.18.0.3]:40000\n\n"
                + "0      0      [2001:db8::1]:80  [2001:db8::2]:5000\n"))
                .containsExactlyInAnyOrder(new FourTuple(ip("198.18.0.104"), 80, ip("198.18.0.3"), 35238),
                        new FourTuple(ip("198.18.0.104"), 80, ip("198.18.0.3"), 40000));
        assertThat(LocalSockets.parse("")).isEmpty();
    }

    @Test
    void theEstablishedConnectionsOfAnAddressAreListed() throws Exception {
        Privileges.assumeCommands("ss");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket server = new ServerSocket(0, 1, loopback); Socket client = new Socket(loopback, server.getLocalPort());
             Socket accepted = server.accept()) {
            assertThat(new LocalSockets().established(ip("127.0.0.1")))
                    .contains(new FourTuple(ip("127.0.0.1"), server.getLocalPort(), ip("127.0.0.1"), client.getLocalPort()))
                    .contains(new FourTuple(ip("127.0.0.1"), client.getLocalPort(), ip("127.0.0.1"), server.getLocalPort()));
        }
    }

    @Test
    void nothingInTimeWaitIsNoError() throws Exception {
        Privileges.assumeNetworkAdmin();
        Privileges.assumeCommands("ss");
        new LocalSockets().releaseTimeWait(new FourTuple(ip("127.0.0.1"), 1, ip("127.0.0.1"), 2));
    }

    private static boolean inTimeWait(FourTuple t) throws java.io.IOException {
        ExternalCommand.Result r = ExternalCommand.direct().run(null, "ss", "-t", "-n", "-H", "state", "time-wait",
                "src", "127.0.0.1:" + t.localPort(), "dst", "127.0.0.1:" + t.remotePort());
        return !r.stdout().isBlank();
    }
}
