"""CPU time of processes, read from /proc, for the bench scripts.

    proc-cpu.py tree PID...        CPU seconds used so far by these processes and
                                   all their descendants
    proc-cpu.py snapshot FILE      every process's pid, parent, start time and
                                   CPU ticks, one a line, into FILE
    proc-cpu.py others BEFORE AFTER SECONDS PID...
                                   cores used between two snapshots by the
                                   processes outside the trees of PID...

CPU time is user + system, with the children a process has reaped.
Standard library only.
"""

import os
import sys

HZ = os.sysconf("SC_CLK_TCK")


def processes():
    """pid -> (parent pid, start time, CPU ticks)."""
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            # [1] parent, [19] start time, [11:15] utime, stime, cutime, cstime.
            out[int(entry)] = (int(fields[1]), fields[19], sum(int(x) for x in fields[11:15]))
    return out


def with_descendants(procs, roots):
    tree = set(roots)
    while True:
        more = {pid for pid, (parent, _, _) in procs.items() if parent in tree} - tree
        if not more:
            return tree
        tree |= more


def load(path):
    with open(path) as f:
        return {int(p): (int(parent), start, int(ticks))
                for p, parent, start, ticks in (line.split() for line in f)}


def main(command, *args):
    if command == "tree":
        procs = processes()
        tree = with_descendants(procs, {int(p) for p in args} & procs.keys())
        print(f"{sum(procs[p][2] for p in tree) / HZ:.3f}")
    elif command == "snapshot":
        with open(args[0], "w") as f:
            for pid, (parent, start, ticks) in processes().items():
                print(pid, parent, start, ticks, file=f)
    elif command == "others":
        before, after = load(args[0]), load(args[1])
        roots = {int(p) for p in args[3:]}
        ours = with_descendants(before, roots) | with_descendants(after, roots)
        # A process new since the first snapshot (or a reused pid) counts whole.
        ticks = sum(t - (before[p][2] if p in before and before[p][1] == start else 0)
                    for p, (_, start, t) in after.items() if p not in ours)
        print(f"{max(ticks, 0) / HZ / float(args[2]):.3f}")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(*sys.argv[1:])
