#!/usr/bin/env python3
"""CPU time of a process's threads, grouped by name, between two snapshots (Linux /proc).

  thread-cpu.py snapshot PID FILE          writes each thread's name and CPU seconds (user + system) to FILE
  thread-cpu.py diff BEFORE AFTER COUNT    prints each group's CPU seconds and microseconds per COUNT (e.g. requests)

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


if __name__ == '__main__':
    if len(sys.argv) == 4 and sys.argv[1] == 'snapshot':
        json.dump(snapshot(sys.argv[2]), open(sys.argv[3], 'w'))
    elif len(sys.argv) == 5 and sys.argv[1] == 'diff':
        diff(json.load(open(sys.argv[2])), json.load(open(sys.argv[3])), float(sys.argv[4]))
    else:
        sys.exit(__doc__)
