"""What the report steps of bench-folders.sh and bench-users.sh share (they
import it with PYTHONPATH=$BENCH_HERE): targets checked with the misses
kept, a wrk run's errors in a few words, the table and the verdict."""

misses = []


def check(name, ok, text):
    """'ok', or 'MISS' with `name: text` kept for the verdict."""
    if not ok:
        misses.append(f"{name}: {text}")
    return "ok" if ok else "MISS"


def missed_names():
    return [m.split(":")[0] for m in misses]


def errs(x):
    """A wrk run's (BENCH_JSON of bench-report.lua) non-2xx answers and
    socket errors, and its counts per status when the script kept them."""
    if not x:
        return ""
    sock = x["connect_err"] + x["read_err"] + x["write_err"] + x["timeout_err"]
    codes = ",".join(f"{k}:{v}" for k, v in sorted(x.get("statuses", {}).items()))
    s = f"non-2xx {x['non2xx']}, sock {sock}"
    return s + (f" [{codes}]" if codes else "")


def print_table(title, rows):
    """A blank line, `title`, `rows` in columns (a rule under the first), a
    blank line."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    print()
    print(title)
    for n, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print()


def print_verdict():
    if misses:
        print(f"TARGETS MISSED ({len(misses)}):")
        for m in misses:
            print(f"  MISS {m}")
    else:
        print("All targets met.")
