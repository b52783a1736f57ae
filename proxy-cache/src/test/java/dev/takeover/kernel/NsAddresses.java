package dev.takeover.kernel;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Child main of {@link InterfaceAddressesTest}: inside its namespace, claims an address twice, binds a listener to it,
 * gives it back twice, then asks for an unknown interface; prints one line per step for the test to check.
 * Arguments: interface, address, prefix length.
 */
final class NsAddresses {

    private NsAddresses() {
    }

    public static void main(String[] args) throws IOException {
        String device = args[0];
        Inet4Address vip = (Inet4Address) InetAddress.getByName(args[1]);
        int prefix = Integer.parseInt(args[2]);
        InterfaceAddresses addresses = new InterfaceAddresses();

        addresses.add(device, vip, prefix);
        addresses.add(device, vip, prefix);
        System.out.println("added twice: " + addresses.list(device));
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(vip, 0)); // EADDRNOTAVAIL unless the address is really on
            System.out.println("bound: " + listener.getLocalSocketAddress());
        }
        addresses.remove(device, vip, prefix);
        addresses.remove(device, vip, prefix);
        System.out.println("removed twice: " + addresses.list(device));
        for (String step : new String[] {"add", "remove"}) {
            try {
                if (step.equals("add")) {
                    addresses.add("nosuch0", vip, prefix);
                } else {
                    addresses.remove("nosuch0", vip, prefix);
                }
                System.out.println("unknown interface, " + step + ": no error");
            } catch (IOException e) {
                System.out.println("unknown interface, " + step + ": " + e.getMessage());
            }
        }
        System.out.println("done");
    }
}
