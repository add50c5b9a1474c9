#!/usr/bin/env python3
"""Every generated file, in the order a content edit needs: one loop.

    python msguide_tools/generate.py           # rewrite what is stale (scripts/generate)
    python msguide_tools/generate.py --check   # run every --check, exit 1 if any fails (scripts/check)

Each step is a tool of its own with a `--check` that exits 1 when what it writes
is stale. The order matters: the voice model's notation is tidied first, the
built model is made from model.yaml, the classifier is trained on model.yaml and
the content, the console files route phrasings through the built model, and the
icons depend on nothing. The locks are checked only: re-resolving them needs the
network (`python msguide_tools/lock.py`, after editing requirements/*.in).
docs/learning-curve.md (`python msguide_tools/outsider.py curve`) is a report
made at a commit, not part of the loop.
"""

import argparse
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (tool, what it writes, how generate runs it): "write" always (each is quick and
# writes the same bytes when nothing changed), "stale" only when its --check fails
# (the classifier takes about a minute to train), "check" never writes (the locks
# need the network to re-resolve).
STEPS = [
    ("optional_brackets.py", "interactionModels/model.yaml in [x] notation", "write"),
    ("build_model.py", "skill-package/interactionModels/custom/<locale>.json", "write"),
    ("train_understanding.py", "lambda/msguide/data/understanding.json", "stale"),
    ("console_files.py", "console/<locale>/*", "write"),
    ("make_icons.py", "skill-package/assets/icon-108.png, icon-512.png", "write"),
    ("lock.py", "requirements/*.lock, lambda/requirements.txt", "check"),
]
# Tools with a --check that is not a staleness check of a generated file.
NOT_GENERATORS = {"publish_urls.py": "--check prints the URLs skill.json names"}


def _run(tool, args, quiet=False):
    command = [sys.executable, os.path.join("msguide_tools", tool)] + args
    done = subprocess.run(command, cwd=ROOT, capture_output=quiet, text=True)
    return done.returncode, (done.stdout or "") + (done.stderr or "")


def check(steps=STEPS, run=_run, out=sys.stdout):
    """Run every step's --check (all of them, not up to the first failure)."""
    failed = []
    for tool, writes, _how in steps:
        started = time.monotonic()
        status, said = run(tool, ["--check"], quiet=True)
        verdict = "ok" if status == 0 else "STALE"
        print("%-24s %-6s %5.1f s  %s" % (tool, verdict, time.monotonic() - started, writes), file=out)
        if status != 0:
            failed.append(tool)
            for line in said.strip().splitlines():
                print("    " + line, file=out)
    if failed:
        print("stale: %s; run scripts/generate (or each tool: python msguide_tools/<tool>)"
              % ", ".join(failed), file=out)
    return 1 if failed else 0


def generate(steps=STEPS, run=_run, out=sys.stdout):
    """Rewrite the outputs in order; stop at the first step that fails."""
    for tool, writes, how in steps:
        if how in ("stale", "check"):
            status, said = run(tool, ["--check"], quiet=True)
            if status == 0:
                print("%-24s fresh  %s" % (tool, writes), file=out)
                continue
            if how == "check":
                print("%-24s STALE  %s\n%s" % (tool, writes, said.rstrip()), file=out)
                return 1
        print("%-24s write  %s" % (tool, writes), file=out, flush=True)
        status, _said = run(tool, [])
        if status != 0:
            print("%s failed (exit %d); stopping" % (tool, status), file=out)
            return status
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only run every --check (exit 1 if any output is stale)")
    args = parser.parse_args(argv)
    return check() if args.check else generate()


if __name__ == "__main__":
    sys.exit(main())
