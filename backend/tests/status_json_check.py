#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks `vcamctl status --json` against `vcamctl status` (the text).

    status_json_check.py TEXT JSON [--volatile KEY,KEY...]
    status_json_check.py --valid FILE...

The first form: JSON must be one valid document holding exactly the text's
records ("vcamd" line -> "vcamd" object, "camera" lines -> "cameras",
"device" lines -> "devices", in order) with the same keys in the same
order, and each value the same: a number where the text has one (an
integer where the text has no decimal point), "none" as null, a device list
("a,b" or "-") as an array, anything else a string equal to the text.
Keys named with --volatile (CPU time, uptime: the two snapshots are not
taken at the same instant) are only checked for their type.  The text's
values must not contain spaces (test data keeps to that).

The second form: each file holds documents separated by NUL octets, each
empty or one valid document whose "truncated" is a boolean (the JSON made
in buffers too small for everything).
Exit status 0 if all holds, 1 with a message otherwise.
"""
import json
import re
import sys

NUM = re.compile(r"-?[0-9]+(\.[0-9]+)?\Z")
LISTS = {"devices", "streaming_devices"}
KINDS = {"vcamd": None, "camera": "cameras", "device": "devices"}


def fail(msg):
    print("status_json_check: " + msg, file=sys.stderr)
    sys.exit(1)


def parse(raw, where):
    try:
        # strict: raw control characters in strings are errors
        return json.loads(raw.decode("utf-8"), strict=True,
                          parse_constant=lambda c: fail(f"{where}: {c} is not JSON"))
    except (UnicodeDecodeError, ValueError) as e:
        fail(f"{where}: not valid JSON: {e}")


def load(path):
    with open(path, "rb") as f:
        return parse(f.read(), path)


def text_records(path):
    recs = {"vcamd": [], "cameras": [], "devices": []}
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            kind, _, rest = line.rstrip("\n").partition(" ")
            if kind not in KINDS:
                fail(f"{path}: unknown line {line!r}")
            pairs = []
            for tok in rest.split(" "):
                k, eq, v = tok.partition("=")
                if not eq:
                    fail(f"{path}: {tok!r} is not key=value")
                pairs.append((k, v))
            recs[KINDS[kind] or "vcamd"].append(pairs)
    if len(recs["vcamd"]) != 1:
        fail(f"{path}: {len(recs['vcamd'])} vcamd lines")
    return recs


def same(where, k, tv, jv, volatile):
    if k in LISTS:
        want = [] if tv == "-" else tv.split(",")
        if jv != want:
            fail(f"{where}: {k}: {jv!r} is not the text's {tv!r}")
    elif tv == "none":
        if jv is not None:
            fail(f"{where}: {k}: {jv!r}, the text says none (null)")
    elif NUM.match(tv):
        if isinstance(jv, bool) or not isinstance(jv, (int, float)):
            fail(f"{where}: {k}: {jv!r} is not a number like the text's {tv}")
        if "." not in tv and not isinstance(jv, int):
            fail(f"{where}: {k}: {jv!r} is not an integer like the text's {tv}")
        if k not in volatile and float(tv) != float(jv):
            fail(f"{where}: {k}: {jv!r} != the text's {tv}")
    elif jv != tv:
        fail(f"{where}: {k}: {jv!r} is not the text's {tv!r}")


def compare(text_path, json_path, volatile):
    recs = text_records(text_path)
    doc = load(json_path)
    if not isinstance(doc, dict):
        fail("the document is not an object")
    keys = list(doc)
    if keys != ["vcamd", "cameras", "devices", "truncated"]:
        fail(f"top-level keys {keys}")
    if doc["truncated"] is not False:
        fail("truncated is not false")
    groups = [("vcamd", [doc["vcamd"]])] + [(g, doc[g]) for g in ("cameras", "devices")]
    for group, objs in groups:
        trecs = recs[group]
        if len(objs) != len(trecs):
            fail(f"{group}: {len(objs)} in JSON, {len(trecs)} in the text")
        for i, (obj, pairs) in enumerate(zip(objs, trecs)):
            where = f"{group}[{i}]"
            if list(obj) != [k for k, _ in pairs]:
                fail(f"{where}: keys {list(obj)} != the text's {[k for k, _ in pairs]}")
            for k, tv in pairs:
                same(where, k, tv, obj[k], volatile)


def main(argv):
    if argv[1:2] == ["--valid"]:
        for path in argv[2:]:
            with open(path, "rb") as f:
                docs = f.read().split(b"\0")
            for i, raw in enumerate(docs):
                if raw:
                    doc = parse(raw, f"{path} #{i}")
                    if not isinstance(doc, dict) or not isinstance(doc.get("truncated"), bool):
                        fail(f"{path} #{i}: no boolean 'truncated'")
        return 0
    volatile = set()
    if len(argv) == 5 and argv[3] == "--volatile":
        volatile = set(argv[4].split(","))
    elif len(argv) != 3:
        fail(__doc__.strip().splitlines()[2])
    compare(argv[1], argv[2], volatile)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
