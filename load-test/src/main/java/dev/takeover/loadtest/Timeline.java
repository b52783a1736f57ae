package dev.takeover.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Every request of a simulation as {@code start,end,ok} (epoch ms), written to the file named by the system property
 * {@code takeover.timeline} when the simulation ends: {@code lab loadtest} splits them into before, during and after a
 * crash, which Gatling's own report cannot. Thread-safe.
 */
final class Timeline {
    private static final ConcurrentLinkedQueue<String> LINES = new ConcurrentLinkedQueue<>();

    private Timeline() {
    }

    static void record(long start, long end, boolean ok) {
        LINES.add(start + "," + end + "," + (ok ? 1 : 0));
    }

    /** Writes what was recorded, if {@code takeover.timeline} is set. */
    static void write() {
        String file = System.getProperty("takeover.timeline");
        if (file == null) {
            return;
        }
        List<String> lines = new ArrayList<>(LINES);
        try {
            Files.write(Path.of(file), lines, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the request timeline " + file, e);
        }
    }
}
