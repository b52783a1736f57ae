#!/usr/bin/env python3
"""CPU time of a process's threads, grouped by name, between two snapshots (Linux /proc).

  thread-cpu.py snapshot PID FILE          writes each thread's name and CPU seconds (user + system) to FILE
  thread-cpu.py diff BEFORE AFTER COUNT    prints each group's CPU seconds and microseconds per COUNT (e.g. requests)
  thread-cpu.py cluster WITH WITHOUT       from two reports of `diff` over the nodes of checkpoint-overhead.sh (n1, then
                                           the replicas): the checkpoints' cost in us per request, WITH less WITHOUT,
                                           for n1's cluster threads and for each replica's threads but the JIT's

A group is a thread name with its numbers as # ("proxy-io-1-2" and "proxy-io-1-1" are "proxy-io-#-#"); names are
as the kernel keeps them, cut to 15 characters. Threads that ended between the snapshots are not counted.
"""
import json
import os
import re
import sys

HZ = os.sysconf('SC_CLK_TCK')


def snapshot(pid):
    threads = {}
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            name = open(f'/proc/{pid}/task/{tid}/comm').read().strip()
            stat = open(f'/proc/{pid}/task/{tid}/stat').read()
        except OSError:
            continue  # the thread ended meanwhile
        fields = stat[stat.rindex(')') + 2:].split()
        threads[tid] = (name, (int(fields[11]) + int(fields[12])) / HZ)  # utime, stime
    return threads


def group(name):
    return re.sub(r'\d+', '#', name)


def diff(before, after, count):
    groups = {}
    for tid, (name, seconds) in after.items():
        spent = seconds - before.get(tid, (name, 0))[1]
        groups[group(name)] = groups.get(group(name), 0) + spent
    total = sum(groups.values())
    for name, seconds in sorted(groups.items(), key=lambda g: -g[1]):
        if seconds >= 0.005:
            print(f'{name:20s} {seconds:7.2f} s {seconds * 1e6 / count:7.2f} us')
    print(f'{"total":20s} {total:7.2f} s {total * 1e6 / count:7.2f} us')


# n1's threads that replicate checkpoints: the write-behind writer and JGroups'/Infinispan's (cut to 15 characters)
CLUSTER_THREADS = ('takeover-checkp', 'sender to', 'jgroups-', 'pd-bundler', 'Connection.Rece', 'Timer runner',
                   'ForkJoinPool')


def report(path):
    """Per node of a diff report (in its order), us per request by group."""
    nodes = []
    for line in open(path):
        if 'CPU per request' in line:
            nodes.append({})
            continue
        m = re.match(r'(\S.*?)\s+(-?[\d.]+) s\s+(-?[\d.]+) us$', line.rstrip())
        if m and nodes:
            nodes[-1][m.group(1)] = nodes[-1].get(m.group(1), 0) + float(m.group(3))
    return nodes


def cluster(with_path, without_path):
    def n1(node):
        return sum(v for k, v in node.items() if k.startswith(CLUSTER_THREADS))

    def replica(node):
        return node.get('total', 0) - sum(v for k, v in node.items() if 'Compiler' in k)

    w, o = report(with_path), report(without_path)
    parts = [n1(w[0]) - n1(o[0])] + [replica(a) - replica(b) for a, b in zip(w[1:], o[1:])]
    print(f'{sum(parts):.2f} ' + ' '.join(f'{p:.2f}' for p in parts))


if __name__ == '__main__':
    if len(sys.argv) == 4 and sys.argv[1] == 'snapshot':
        json.dump(snapshot(sys.argv[2]), open(sys.argv[3], 'w'))
    elif len(sys.argv) == 4 and sys.argv[1] == 'cluster':
        cluster(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == 'diff':
        diff(json.load(open(sys.argv[2])), json.load(open(sys.argv[3])), float(sys.argv[4]))
    else:
        sys.exit(__doc__)
