import dev.takeover.kernel.FourTuple;
import dev.takeover.kernel.RebuildSpec;
import dev.takeover.kernel.TcpOptions;
import dev.takeover.kernel.TcpRepair;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * The kernel part of a takeover's socket rebuilds at scale: N sockets rebuilt with {@link TcpRepair#rebuild} on one
 * thread, all bound to one local address and port as a VIP's connections are, each to its own client port, timed per
 * thousand. Repair mode sends nothing: the "client" address exists on no interface. Run by {@code socket-rebuild.sh}
 * inside a namespace of its own. Arguments: local address, client address, count.
 */
public class SocketRebuildBench {
    public static void main(String[] args) throws Exception {
        Inet4Address local = (Inet4Address) InetAddress.getByName(args[0]);
        Inet4Address client = (Inet4Address) InetAddress.getByName(args[1]);
        int count = Integer.parseInt(args[2]);
        TcpOptions options = new TcpOptions(true, true, true, 7, 7, 1460);
        long start = System.nanoTime();
        long since = start;
        for (int i = 0; i < count; i++) {
            TcpRepair.rebuild(new RebuildSpec(new FourTuple(local, 80, client, 10_000 + i), 1000L + i, 2000L + i,
                    options, 12_345, 100, false));
            if ((i + 1) % 1000 == 0) {
                long now = System.nanoTime();
                double millis = (now - since) / 1e6; // for a thousand sockets: as many microseconds for one
                System.out.printf("sockets %6d: the last 1000 in %6.1f ms, %5.1f us each%n", i + 1, millis, millis);
                since = now;
            }
        }
        System.out.printf("%d sockets in %.1f ms%n", count, (System.nanoTime() - start) / 1e6);
    }
}
