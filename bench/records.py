# SPDX-License-Identifier: MIT
"""What the bench's scripts share about its records: key=value words, numbers
that must be there, and the CSV files they write and read back."""
import csv
import sys
from pathlib import Path


class RecordError(Exception):
    """The records cannot give an honest number."""


def kv(words):
    """key=value words to a dict; words without '=' are ignored."""
    out = {}
    for w in words:
        k, sep, v = w.partition("=")
        if sep:
            out[k] = v
    return out


def num(d, key, what, error=RecordError):
    """d[key] as a float, or `error` saying which record lacks it."""
    try:
        return float(d[key])
    except (KeyError, ValueError):
        raise error(f"{what}: no number for {key!r}") from None


def fnum(row, key):
    """A CSV value as a float, or NaN (no bar, no point) where there is none."""
    v = row.get(key, "")
    return float(v) if v not in ("", None) else float("nan")


def write_csv(rows, path, columns):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def load_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def group_main(argv, name, aggregate, write, outputs):
    """main() of a bench group's report, NAME.py RUN/bench OUT.csv [OUTDIR]:
    aggregate(run) gives the rows, write(rows, csv) writes them, and with
    OUTDIR outputs(csv, outdir) tabulates and draws from the written CSV."""
    if len(argv) not in (3, 4):
        print(f"usage: {name}.py RUN/bench OUT.csv [OUTDIR]", file=sys.stderr)
        return 2
    try:
        rows = aggregate(argv[1])
    except (RecordError, OSError, ValueError) as e:
        print(f"{name}: FAIL: {e}", file=sys.stderr)
        return 1
    if not rows:
        print(f"{name}: no {name} cases in this run")
        return 0
    write(rows, argv[2])
    if len(argv) == 4:
        outputs(argv[2], Path(argv[3]))
    print(f"{name}: {len(rows)} rows -> {argv[2]}")
    return 0


def read_required(run, name, error=RecordError):
    """The text of record NAME under RUN; error if it is missing."""
    p = Path(run) / name
    if not p.exists():
        raise error(f"missing {p}")
    return p.read_text(errors="replace")
