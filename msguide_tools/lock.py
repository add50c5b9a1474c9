#!/usr/bin/env python3
"""Lock every dependency, direct and transitive, with hashes (pip-tools).

    python msguide_tools/lock.py            # re-resolve after editing requirements/*.in
    python msguide_tools/lock.py --check    # offline: every lock matches its inputs and the others

Inputs (what a person edits)      Lock (what everything installs)
  requirements/lambda.in            lambda/requirements.txt   ASK CLI, msguide_tools/package_lambda.py
  + requirements/web.in             requirements/web.lock     scripts/serve, Dockerfile
  + requirements/dev.in             requirements/dev.lock     scripts/test, CI

The development lock is resolved first; the other two start from its pins
(pip-compile keeps pins already in an output file), so a package has one
version in every lock, and `--check` fails when that or anything else drifts.
pip-tools is needed only to re-resolve: `pip install pip-tools`.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REQ = os.path.join(ROOT, "requirements")
LOCKS = [   # (lock, inputs), most inclusive first
    (os.path.join(REQ, "dev.lock"), ["lambda.in", "web.in", "dev.in"]),
    (os.path.join(REQ, "web.lock"), ["lambda.in", "web.in"]),
    (os.path.join(ROOT, "lambda", "requirements.txt"), ["lambda.in"]),
]
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;\\]+)")
_WANT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(?:(==|>=)\s*([^\s;#]+))?")


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path):
    """{package: version} of a lock, and the packages that carry no hash."""
    found, unhashed, current = {}, [], None
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            match = _PIN.match(line)
            if match:
                current = canonical(match.group(1))
                found[current] = match.group(3)
                if "--hash=" not in line:
                    unhashed.append(current)
            elif current and "--hash=sha256:" in line and unhashed and unhashed[-1] == current:
                unhashed.pop()
    return found, unhashed


def wanted(names):
    """[(package, operator, version)] from requirements/*.in files."""
    result = []
    for name in names:
        with open(os.path.join(REQ, name), encoding="utf-8") as handle:
            for line in handle:
                line = line.split("#")[0].strip()
                match = _WANT.match(line)
                if line and match:
                    result.append((canonical(match.group(1)), match.group(3), match.group(4)))
    return result


def _version_tuple(version):
    return tuple(int(part) if part.isdigit() else 0 for part in re.split(r"[.+-]", version))


def problems():
    """Everything that makes the locks disagree with their inputs or each other."""
    found, everywhere = [], {}
    for lock, inputs in LOCKS:
        short = os.path.relpath(lock, ROOT)
        if not os.path.exists(lock):
            found.append("%s is missing: run msguide_tools/lock.py" % short)
            continue
        locked, unhashed = pins(lock)
        found += ["%s: %s has no hash" % (short, name) for name in unhashed]
        for name, operator, version in wanted(inputs):
            have = locked.get(name)
            if have is None:
                found.append("%s does not lock %s: run msguide_tools/lock.py" % (short, name))
            elif operator == "==" and have != version:
                found.append("%s locks %s %s, the input asks for %s" % (short, name, have, version))
            elif operator == ">=" and _version_tuple(have) < _version_tuple(version):
                found.append("%s locks %s %s, the input asks for >=%s" % (short, name, have, version))
        for name, version in locked.items():
            if everywhere.setdefault(name, version) != version:
                found.append("%s locks %s %s, another lock has %s" % (short, name, version, everywhere[name]))
    return found


BOOTSTRAP = os.path.join(REQ, "bootstrap.lock")


def bootstrap_problems():
    """The installer's own lock: one pinned, hashed pip and nothing else."""
    if not os.path.exists(BOOTSTRAP):
        return ["requirements/bootstrap.lock is missing"]
    locked, unhashed = pins(BOOTSTRAP)
    found = ["requirements/bootstrap.lock: %s has no hash" % name for name in unhashed]
    if set(locked) != {"pip"}:
        found.append("requirements/bootstrap.lock must pin pip alone, not %s" % sorted(locked))
    return found


def compile_locks():
    dev_lock = LOCKS[0][0]
    for lock, inputs in LOCKS:
        if lock != dev_lock:
            shutil.copyfile(dev_lock, lock)        # start from the development pins
        command = [sys.executable, "-m", "piptools", "compile", "--quiet", "--generate-hashes",
                   "--allow-unsafe", "--strip-extras", "--no-emit-index-url", "--no-emit-find-links",
                   "--resolver=backtracking", "--output-file", os.path.relpath(lock, ROOT)]
        command += [os.path.join("requirements", name) for name in inputs]
        subprocess.run(command, cwd=ROOT, check=True,
                       env=dict(os.environ, CUSTOM_COMPILE_COMMAND="python msguide_tools/lock.py"))
        print("locked", os.path.relpath(lock, ROOT))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="check the locks offline; resolve nothing")
    args = parser.parse_args(argv)
    if not args.check:
        compile_locks()
    found = problems() + bootstrap_problems()
    for problem in found:
        print(problem, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
