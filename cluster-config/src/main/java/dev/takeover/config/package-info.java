/**
 * The one cluster file of takeover: its YAML schema as immutable records, the loader that validates it and reports
 * every problem with its line and column, and the JGroups stack derived from it.
 *
 * <p>Entry points: {@link dev.takeover.config.ClusterConfigLoader#load(java.nio.file.Path)} to read and validate
 * the file, {@link dev.takeover.config.ClusterConfig#node(String)} to pick this process's node, and
 * {@link dev.takeover.config.JGroupsStack#xml(ClusterConfig, NodeConfig)} for the node's JGroups configuration.
 * Durations in the file carry a unit ({@code 200ms}, {@code 2s}, {@code 1m}, see {@link dev.takeover.config.Durations});
 * sizes take {@code k}, {@code m}, {@code g} suffixes in powers of 1024 (see {@link dev.takeover.config.ByteSize}).
 */
package dev.takeover.config;
