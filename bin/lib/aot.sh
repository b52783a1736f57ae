# Sourced by bin/takeover: the AOT cache (JDK 25: JEP 483 and 515) that `load-test/bench/takeover-scale.sh --train`
# records during a takeover of thousands of connections: classes loaded and linked, and method profiles, ready at
# start, so that a takeover's code is not loaded, linked and profiled while it runs.

# aot_option CACHE JAR...: prints the JVM option that uses CACHE, or nothing: when TAKEOVER_AOT=off, when there is no
# CACHE, or when a JAR (or a file in a JAR directory) is newer than it. The JVM accepts a cache only with the jars it
# was recorded with; an older one is left out, saying so on stderr.
aot_option() {
  local cache=$1; shift
  [[ "${TAKEOVER_AOT:-on}" != off && -f "$cache" ]] || return 0
  if [[ -n "$(find "$@" -newer "$cache" -print -quit 2>/dev/null)" ]]; then
    echo "takeover: $cache is older than the jars, not used (record it again: load-test/bench/takeover-scale.sh --train)" >&2
    return 0
  fi
  echo "-XX:AOTCache=$cache"
}
