package dev.takeover.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code lab up} started, kept in {@code .lab/lab.json} so later commands (status, crash,
 * revive, down, drill) find the processes.
 *
 * @param nodeCount the lab's size
 * @param pids      process id per host name ({@code origin}, {@code n1}, ...)
 */
record LabState(int nodeCount, Map<String, Long> pids) {
    private static final ObjectMapper JSON = new ObjectMapper();

    LabState {
        pids = new TreeMap<>(pids);
    }

    LabState withPid(String host, long pid) {
        Map<String, Long> p = new TreeMap<>(pids);
        p.put(host, pid);
        return new LabState(nodeCount, p);
    }

    static LabState read(Path file) {
        if (!Files.exists(file)) {
            throw new LabException("no lab is up (no " + file + "): run `takeover lab up` first");
        }
        try {
            return JSON.readValue(file.toFile(), LabState.class);
        } catch (IOException e) {
            throw new LabException("cannot read " + file + ": " + e.getMessage() + " (`takeover lab up` rebuilds the lab)", e);
        }
    }

    void write(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), this);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new LabException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
