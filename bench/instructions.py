"""Cold start and per-request cost in CPU instructions, skill against hello world.

    .venv/bin/python bench/instructions.py [--requests 240] [--json bench/instructions.json]

Wall-clock timings on a shared two-core machine swing by half from one minute
to the next (bench/benchmark.py interleaves runs to soften that). Instruction
counts from valgrind's callgrind do not: the same code, inputs and environment
give the same count whatever else the machine is doing. Measured, for the skill
with memory on (SQLite) and for bench/baseline:
  cold      instructions of a fresh process that imports lambda_function and
            answers one LaunchRequest
  request   mean instructions per request over the warm mix of
            bench/benchmark.py (after each path has run once), from two runs
            that differ only in the number of requests
Needs valgrind (Debian's package); Python is run with bytecode writing allowed,
as the Lambda package ships bytecode.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
import benchmark  # noqa: E402  (bench/benchmark.py: the skills, mixes and environments)

WORKER = """
import json, sys
envelopes = json.load(open(%(envelopes)r))
import lambda_function     # from the current folder: the skill being measured
if %(requests)d >= 0:
    for envelope in envelopes:
        lambda_function.handler(json.loads(json.dumps(envelope)), None)
    for i in range(%(requests)d):
        lambda_function.handler(json.loads(json.dumps(envelopes[i %% len(envelopes)])), None)
else:
    lambda_function.handler(json.loads(json.dumps(envelopes[0])), None)
"""


def instructions(kind, requests):
    """Instructions callgrind counts for one worker process (requests < 0: cold only)."""
    env = benchmark.environment(kind)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as scratch:
        envelopes = os.path.join(scratch, "envelopes.json")
        with open(envelopes, "w", encoding="utf-8") as handle:
            json.dump(benchmark.conversation(kind), handle)
        code = WORKER % {"envelopes": envelopes, "requests": requests}
        skill = benchmark.SKILLS[kind]
        subprocess.run([sys.executable, "-c", code], env=env, cwd=skill, check=True,
                       capture_output=True)                       # writes bytecode once
        out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=%s/out" % scratch,
                              sys.executable, "-c", code], env=env, cwd=skill, check=True,
                             capture_output=True, text=True)
    found = re.search(r"Collected\s*:\s*(\d+)", out.stderr)
    if not found:
        raise SystemExit("callgrind printed no count:\n" + out.stderr[-2000:])
    return int(found.group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=240)
    parser.add_argument("--json", metavar="FILE", help="also write the counts as JSON to FILE")
    args = parser.parse_args()
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    os.makedirs(os.path.join(ROOT, "build"), exist_ok=True)
    results = {}
    for kind in ("target", "baseline"):
        cold = instructions(kind, -1)
        few = instructions(kind, 0)
        many = instructions(kind, args.requests)
        results[kind] = {"cold": cold, "per_request": (many - few) // args.requests}
        print("%-9s cold %6.1f M instructions, per request %5.2f M" % (
            kind, cold / 1e6, results[kind]["per_request"] / 1e6))
    ratios = {name: round(results["target"][name] / results["baseline"][name], 3)
              for name in ("cold", "per_request")}
    print("target/baseline: cold %.2f, per request %.2f" % (ratios["cold"], ratios["per_request"]))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump({"requests": args.requests, "results": results, "ratios": ratios}, handle, indent=2)
            handle.write("\n")
        print("wrote", args.json)


if __name__ == "__main__":
    main()
