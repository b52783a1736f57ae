import dev.takeover.kernel.InterfaceAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * Claiming an address the two ways, side by side and alternating in one JVM: starting {@code ip addr replace} (as the
 * node did until session 9) against one rtnetlink request ({@link InterfaceAddresses#add}). Each claim is released
 * again the same way before the next. Run by {@code address-claim.sh} inside a namespace of its own.
 * Arguments: interface, address (198.18.0.0/15), prefix length, rounds.
 */
public class AddressClaimBench {
    private static final int WARM_UP = 20;

    public static void main(String[] args) throws Exception {
        String device = args[0];
        Inet4Address address = (Inet4Address) InetAddress.getByName(args[1]);
        int prefix = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        String cidr = args[1] + "/" + prefix;
        InterfaceAddresses netlink = new InterfaceAddresses();
        long[] ip = new long[rounds];
        long[] nl = new long[rounds];
        for (int i = 0; i < WARM_UP + rounds; i++) {
            long t = System.nanoTime();
            run("ip", "-4", "addr", "replace", cidr, "dev", device);
            long forked = System.nanoTime() - t;
            run("ip", "-4", "addr", "del", cidr, "dev", device);
            t = System.nanoTime();
            netlink.add(device, address, prefix);
            long requested = System.nanoTime() - t;
            netlink.remove(device, address, prefix);
            if (i >= WARM_UP) {
                ip[i - WARM_UP] = forked;
                nl[i - WARM_UP] = requested;
            }
        }
        print("ip addr replace", ip);
        print("rtnetlink", nl);
    }

    private static void print(String what, long[] nanos) {
        Arrays.sort(nanos);
        int n = nanos.length;
        System.out.printf("%-16s p50 %7.3f ms  p90 %7.3f ms  max %7.3f ms  (%d claims)%n", what, nanos[n / 2] / 1e6,
                nanos[n * 9 / 10] / 1e6, nanos[n - 1] / 1e6, n);
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + new String(p.getInputStream().readAllBytes()));
        }
    }
}
