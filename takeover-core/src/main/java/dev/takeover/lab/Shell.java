package dev.takeover.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs lab plumbing commands ({@code ip}, {@code kill}, {@code ss}) and turns failures into {@link LabException}s. */
final class Shell {
    private Shell() {}

    /** The command's result; {@code out} is its standard output. */
    record Result(int exit, String out, String err) {
        boolean ok() {
            return exit == 0;
        }
    }

    /** Runs {@code command}; a non-zero exit is returned, not thrown. */
    static Result run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new LabException(String.join(" ", command) + ": did not finish in 30 s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new LabException("cannot run " + command[0] + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /** Runs {@code command} and fails with its error output unless it succeeds. */
    static String check(String... command) {
        Result r = run(command);
        if (!r.ok()) {
            throw new LabException(String.join(" ", command) + " failed (" + r.exit() + "): " + r.err().strip());
        }
        return r.out();
    }

    /** {@code command} inside network namespace {@code ns}. */
    static String[] in(String ns, String... command) {
        return concat(List.of("ip", "netns", "exec", ns), command);
    }

    static String[] concat(List<String> head, String... tail) {
        String[] all = head.toArray(new String[head.size() + tail.length]);
        System.arraycopy(tail, 0, all, head.size(), tail.length);
        return all;
    }
}
