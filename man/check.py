#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks the built manual pages (make -C man check-unit).

    check.py BUILD_DIR

1. Each page renders cleanly: `MANWIDTH=80 man --warnings -l PAGE` and
   `groff -man -ww -z` print nothing on stderr, `lexgrog` finds its NAME
   line (the name is the file's), and no rendered line is wider than 80
   columns.
2. Each program's page documents exactly the options its `--help` lists
   (short and long names, whether they take a value), and every default the
   help gives in parentheses, `(50)`, appears in the page's entry as
   `Default: 50` (`(required)` as `Required`).  Every program the Makefiles
   build has a page.
3. xl-vcam-configuration(5) documents exactly the keys `vcam-attach --help`
   lists (printed from xenstore-scripts/src/spec.c's key table), with the
   same defaults.
4. A page named in SEE ALSO as one of ours exists.

So the --help texts (the code) and the pages may say things in their own
words, but cannot disagree on which options and keys exist or on their
defaults.  Exit status 0, or 1 with every problem listed.
"""
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WIDTH = 80

# page -> the program whose --help it must match
PROGRAMS = {
    "vcamd.8": "backend/vcamd",
    "vcamctl.8": "backend/vcamctl",
    "vcam-attach.8": "xenstore-scripts/bin/vcam-attach",
    "vcam-detach.8": "xenstore-scripts/bin/vcam-detach",
    "vcam-list.8": "xenstore-scripts/bin/vcam-list",
    "vcam-xl.8": "xenstore-scripts/bin/vcam-xl",
    "vcam-xl-watch.8": "xenstore-scripts/bin/vcam-xl-watch",
}
KEYS_PAGE = "xl-vcam-configuration.5"
KEYS_PROGRAM = "xenstore-scripts/bin/vcam-attach"

DEFAULT = re.compile(r"\(([^()\s]+)\)")

problems = []


def problem(msg):
    problems.append(msg)


def run(argv, env=None):
    e = dict(os.environ, LC_ALL="C.UTF-8")
    e.pop("MANPAGER", None)
    e.pop("PAGER", None)
    if env:
        e.update(env)
    return subprocess.run(argv, env=e, capture_output=True, text=True)


def render(path, width=WIDTH, env=None):
    """The page as plain text at width columns, as man shows it."""
    r = run(["man", "--warnings", "-l", path],
            dict(env or {}, MANWIDTH=str(width)))
    if r.returncode or r.stderr.strip():
        problem(f"{path}: man --warnings -l: exit {r.returncode}: {r.stderr.strip()}")
    return re.sub(r".\x08", "", r.stdout)


def check_render(path, name):
    """Checks how it renders; returns its text for reading its contents:
    wide and unhyphenated, so that no entry is split in mid-word."""
    text = render(path)
    r = run(["groff", "-man", "-ww", "-z", "-Tutf8", path])
    if r.returncode or r.stderr.strip():
        problem(f"{path}: groff -ww: {r.stderr.strip()}")
    r = run(["lexgrog", path])
    m = re.match(r'^[^:]*: "(\S+) - .+"$', r.stdout.strip())
    if r.returncode or not m:
        problem(f"{path}: lexgrog finds no NAME line: {r.stdout.strip()} {r.stderr.strip()}")
    elif m.group(1) != name:
        problem(f"{path}: NAME says {m.group(1)}, the file is {name}")
    for n, line in enumerate(text.splitlines(), 1):
        if len(line) > WIDTH:
            problem(f"{path}: rendered line {n} is {len(line)} columns wide: {line.strip()[:60]}...")
    return render(path, 1000, {"MANROFFOPT": "-rHY=0"})


def sections(text):
    """{SECTION: [lines]} of rendered text (headings start in column 0)."""
    out, cur = {}, None
    for line in text.splitlines():
        if line and not line[0].isspace():
            cur = line.strip()
            out.setdefault(cur, [])
        elif cur:
            out[cur].append(line)
    return out


def entries(lines, head):
    """[(head line, entry text)] of the tagged paragraphs whose tag
    (indented 7 columns) matches head."""
    out = []
    for line in lines:
        if re.match(r" {7}\S", line) and head.match(line[7:]):
            out.append([line[7:], ""])
        elif out and (re.match(r" {8,}\S", line) or not line.strip()):
            out[-1][1] += " " + line.strip()
        elif out and re.match(r" {0,7}\S", line):
            out.append([None, ""])      # something else ends the entry
    return [(h, " ".join(t.split())) for h, t in out if h is not None]


TAG = re.compile(r"\s*(--?[A-Za-z0-9][\w-]*)(?:=([^\s,]+)| ([A-Z][A-Z0-9_]*)(?=[ ,]|$))?,? ?")


def split_tag(line):
    """A --help or page tag line, e.g. '-S, --status-socket=PATH  text' or
    '-t SECONDS  text': (option names, whether it takes a value, the rest)."""
    names, takes, pos = [], False, 0
    while True:
        m = TAG.match(line, pos)
        if not m or m.end() == pos:
            break
        names.append(m.group(1))
        takes |= bool(m.group(2) or m.group(3))
        pos = m.end()
    return names, takes, line[pos:].strip()


def help_blocks(text, start=None):
    """[(tag, description)] of a --help text: option lines (indented 2..6
    columns, starting with '-'), each with its continuation lines; with
    start, the KEY= lines of the section that starts with that line."""
    lines = text.splitlines()
    if start is not None:
        i = next((i for i, l in enumerate(lines) if l.startswith(start)), None)
        if i is None:
            return []
        lines = lines[i + 1:]
    out = []
    for line in lines:
        head = re.match(r" {2,6}(\S.*)$", line)
        if head and (head.group(1).startswith("-") if start is None
                     else re.match(r"[a-z][a-z-]*=", head.group(1))):
            out.append([head.group(1), ""])
        elif out and re.match(r" {7,}\S", line):
            out[-1][1] += " " + line.strip()
        elif start is not None and out and not line.strip():
            break
        elif out:
            out.append([None, ""])
    return [(h, " ".join(d.split())) for h, d in out if h is not None]


def defaults_ok(page, what, help_desc, man_text):
    for tok in DEFAULT.findall(help_desc):
        tok = tok.rstrip(".,;")
        if tok == "required":
            if "Required" not in man_text:
                problem(f"{page}: {what}: --help says it is required, the page does not")
            continue
        if not re.search(r"Default: " + re.escape(tok) + r"(?![\w/])", man_text):
            problem(f"{page}: {what}: --help gives the default ({tok}), "
                    f"the page has no 'Default: {tok}'")


def check_options(page, text, prog):
    exe = os.path.join(TOP, prog)
    if not os.access(exe, os.X_OK):
        problem(f"{page}: {prog} is not built (make first)")
        return
    r = run([exe, "--help"])
    if r.returncode != 0 or not r.stdout.startswith("Usage:"):
        problem(f"{page}: {prog} --help: exit {r.returncode}, no usage on stdout")
        return
    helped = {}
    for head, more in help_blocks(r.stdout):
        names, takes, desc = split_tag(head)
        for n in names:
            helped[n] = (takes, desc + " " + more)
    secs = sections(text)
    if "OPTIONS" not in secs:
        problem(f"{page}: no OPTIONS section")
        return
    paged = {}
    for tag, body in entries(secs["OPTIONS"], re.compile(r"-")):
        names, takes, _ = split_tag(tag)
        for n in names:
            paged[n] = (takes, body)
    for n in sorted(set(helped) - set(paged)):
        problem(f"{page}: {prog} --help lists {n}, the page does not")
    for n in sorted(set(paged) - set(helped)):
        problem(f"{page}: the page lists {n}, {prog} --help does not")
    for n in sorted(set(helped) & set(paged)):
        if helped[n][0] != paged[n][0]:
            problem(f"{page}: {n}: --help and the page disagree on whether it takes a value")
        defaults_ok(page, n, helped[n][1], paged[n][1])


def check_keys(page, text):
    r = run([os.path.join(TOP, KEYS_PROGRAM), "--help"])
    helped = {}
    for head, more in help_blocks(r.stdout, start="SPEC keys"):
        helped[head.split("=")[0]] = head + " " + more
    if not helped:
        problem(f"{page}: no 'SPEC keys' in {KEYS_PROGRAM} --help")
        return
    secs = sections(text)
    paged = {}
    for tag, body in entries(secs.get("KEYS", []), re.compile(r"[a-z][a-z-]*=")):
        paged[tag.split("=")[0]] = body
    for k in sorted(set(helped) - set(paged)):
        problem(f"{page}: key {k} is in {KEYS_PROGRAM} --help (spec.c), not in KEYS")
    for k in sorted(set(paged) - set(helped)):
        problem(f"{page}: KEYS has {k}, {KEYS_PROGRAM} --help (spec.c) does not")
    for k in sorted(set(helped) & set(paged)):
        defaults_ok(page, k, helped[k], paged[k])


def built_programs():
    """Programs the Makefiles build: every one must have a page."""
    progs = {"vcamd", "vcamctl"}
    with open(os.path.join(TOP, "xenstore-scripts", "Makefile")) as f:
        m = re.search(r"^TOOLS\s*:=\s*(.*)$", f.read(), re.M)
    progs |= set(m.group(1).split()) if m else set()
    return progs


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    build = argv[1]
    pages = sorted(p for p in os.listdir(build) if re.search(r"\.[1-8]$", p))
    for prog in sorted(built_programs()):
        if f"{prog}.8" not in pages:
            problem(f"{prog} has no page {prog}.8")
    for p in pages:
        path = os.path.join(build, p)
        name = p.rsplit(".", 1)[0]
        text = check_render(path, name)
        if p in PROGRAMS:
            check_options(p, text, PROGRAMS[p])
        elif p == KEYS_PAGE:
            check_keys(p, text)
        else:
            problem(f"{p}: check.py knows nothing to check it against")
        see = " ".join(sections(text).get("SEE ALSO", []))
        for ref, sec in re.findall(r"\b((?:vcam|xl-vcam)[\w.-]*)\((\d)\)", see):
            if f"{ref}.{sec}" not in pages:
                problem(f"{p}: SEE ALSO {ref}({sec}): no such page here")
    for msg in problems:
        print(f"man/check.py: {msg}", file=sys.stderr)
    print(f"man pages: {len(pages)} checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
