# Sourced by the benchmark scripts, after they set ROOT (the repository).

# lab_pid NAME: the pid of the lab's process NAME (origin, n1, n2, ...), from the state `bin/takeover lab up` wrote.
lab_pid() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['pids'][sys.argv[2]])" "$ROOT/.lab/lab.json" "$1"; }
