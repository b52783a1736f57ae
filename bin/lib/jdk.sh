# Sourced by bin/takeover, bin/test and .ci/run: selects JDK 25 into JAVA_HOME, or explains and exits.

java_major() { # the major version of the JDK at $1, or nothing
  local rel="$1/release"
  [[ -x "$1/bin/java" && -x "$1/bin/javac" && -f "$rel" ]] || return 0
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel"
}

find_jdk25() {
  if [[ -n "${JAVA_HOME:-}" && "$(java_major "$JAVA_HOME")" == 25 ]]; then
    echo "$JAVA_HOME"; return
  fi
  local d
  for d in /usr/lib/jvm/*; do
    if [[ "$(java_major "$d")" == 25 ]]; then echo "$d"; return; fi
  done
  echo "takeover: no JDK 25 found (JAVA_HOME=${JAVA_HOME:-unset}, none in /usr/lib/jvm)." >&2
  echo "          Install one (e.g. Temurin 25) or point JAVA_HOME at it." >&2
  return 3
}

JAVA_HOME="$(find_jdk25)" || exit 3
export JAVA_HOME
# Maven's own Guava warns about sun.misc.Unsafe on JDK 25; the warning is noise.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
