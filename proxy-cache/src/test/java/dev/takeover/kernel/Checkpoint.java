package dev.takeover.kernel;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.InetAddress;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * What the serving node of the namespace test checkpoints: the capture at accept plus its own byte counts. Written
 * to a file atomically (write, then rename) so the survivor never reads half of one.
 *
 * @param bytesRead    request bytes the server application read
 * @param bytesWritten stream bytes the kernel accepted from the application
 * @param bytesAcked   stream bytes the client acknowledged ({@code bytesWritten - SIOCOUTQ})
 */
record Checkpoint(FourTuple connection, TcpSnapshot atAccept, long bytesRead, long bytesWritten, long bytesAcked) {

    /** The sequence number of the stream's first byte. */
    long initialSendSeq() {
        return atAccept.sendSeqBefore(0);
    }

    /** The next sequence number the server application would have read. */
    long readSeq() {
        return Seq.add(atAccept.readSeq(), bytesRead);
    }

    void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("local", connection.localAddress().getHostAddress());
        p.setProperty("localPort", Integer.toString(connection.localPort()));
        p.setProperty("remote", connection.remoteAddress().getHostAddress());
        p.setProperty("remotePort", Integer.toString(connection.remotePort()));
        p.setProperty("sendSeq", Long.toString(atAccept.sendSeq()));
        p.setProperty("recvSeq", Long.toString(atAccept.recvSeq()));
        p.setProperty("unread", Integer.toString(atAccept.unreadBytes()));
        p.setProperty("unacked", Integer.toString(atAccept.unackedBytes()));
        TcpOptions o = atAccept.options();
        p.setProperty("timestamps", Boolean.toString(o.timestamps()));
        p.setProperty("sack", Boolean.toString(o.sack()));
        p.setProperty("windowScaling", Boolean.toString(o.windowScaling()));
        p.setProperty("sendWindowScale", Integer.toString(o.sendWindowScale()));
        p.setProperty("receiveWindowScale", Integer.toString(o.receiveWindowScale()));
        p.setProperty("mss", Integer.toString(o.mss()));
        p.setProperty("timestamp", Long.toString(atAccept.timestamp()));
        p.setProperty("wallMillis", Long.toString(atAccept.wallMillis()));
        p.setProperty("bytesRead", Long.toString(bytesRead));
        p.setProperty("bytesWritten", Long.toString(bytesWritten));
        p.setProperty("bytesAcked", Long.toString(bytesAcked));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp)) {
            p.store(w, null);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static Checkpoint read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        FourTuple connection = new FourTuple(ip(p.getProperty("local")), integer(p, "localPort"),
                ip(p.getProperty("remote")), integer(p, "remotePort"));
        TcpOptions options = new TcpOptions(bool(p, "timestamps"), bool(p, "sack"), bool(p, "windowScaling"),
                integer(p, "sendWindowScale"), integer(p, "receiveWindowScale"), integer(p, "mss"));
        TcpSnapshot atAccept = new TcpSnapshot(number(p, "sendSeq"), number(p, "recvSeq"), integer(p, "unread"),
                integer(p, "unacked"), options, number(p, "timestamp"), number(p, "wallMillis"));
        return new Checkpoint(connection, atAccept, number(p, "bytesRead"), number(p, "bytesWritten"),
                number(p, "bytesAcked"));
    }

    private static Inet4Address ip(String literal) throws IOException {
        return (Inet4Address) InetAddress.getByName(literal); // a literal: no lookup
    }

    private static long number(Properties p, String key) {
        return Long.parseLong(p.getProperty(key));
    }

    private static int integer(Properties p, String key) {
        return Integer.parseInt(p.getProperty(key));
    }

    private static boolean bool(Properties p, String key) {
        return Boolean.parseBoolean(p.getProperty(key));
    }
}
