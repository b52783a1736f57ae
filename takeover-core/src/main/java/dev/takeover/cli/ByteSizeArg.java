package dev.takeover.cli;

import dev.takeover.config.ByteSize;
import picocli.CommandLine;

/** A byte size on the command line, with the cluster file's syntax ({@code 512m}, {@code 1g}). */
record ByteSizeArg(long bytes) {
    static ByteSizeArg parse(String text) {
        try {
            return new ByteSizeArg(ByteSize.parse(text).bytes());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
