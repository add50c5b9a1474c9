"""What one memory save costs as the store grows, from 1,000 to 1,000,000 users.

    .venv/bin/python bench/memory_saves.py [--sizes 1000,10000,100000,1000000]
                                           [--saves 200] [--against e52eaa6] [--json FILE]

Two passes: "after", the current msguide/persistence.py, and "before",
persistence.py as of git revision --against (default e52eaa6, whose save
pruned expired records with a full table scan). In each, for each size, a
fresh SQLite file is filled (executemany, one transaction: a bench, not a
test) with that many users' records, beside a reference file of 1,000 users
made by the same code; then saves by randomly chosen existing users are timed
alternately in the two files, one each in turn: what the request's save costs
once the record was read (the read is not timed). The ratio of the two
medians, taken side by side, is how much the size costs, whatever else the
machine is doing (the issue asks for at most 2 at 1,000,000). The passes run
apart because a before-save at 1,000,000 users scans some 150 MB, which
slows whatever runs next: interleaved with it, an after-save at that size
took 0.158 ms against 0.038 ms on its own. Prints medians, p95 and ratios;
writes JSON only when asked. About 3 minutes with the defaults.
"""

import argparse
import hashlib
import importlib.util
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RECORD = {"disclaimer_heard": True, "hint_heard": True, "last_topic": "fatigue"}


def module_at(revision):
    """msguide/persistence.py as it was at `revision`, imported under another name."""
    source = subprocess.run(["git", "show", "%s:lambda/msguide/persistence.py" % revision], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    folder = tempfile.mkdtemp(prefix="msguide-bench-")
    path = os.path.join(folder, "persistence_before.py")
    with open(path, "w") as out:
        out.write(source)
    spec = importlib.util.spec_from_file_location("persistence_before", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def envelope(user_id):
    from ask_sdk_model import Context, RequestEnvelope
    from ask_sdk_model.interfaces.system import SystemState
    from ask_sdk_model.user import User
    return RequestEnvelope(context=Context(system=SystemState(user=User(user_id=user_id))))


def user_id(number):
    return "amzn1.ask.account.BENCH%010d" % number


def filled(adapter, path, size):
    """`adapter`'s own table at `path`, holding `size` users' records."""
    adapter.get_attributes(envelope(user_id(-1)))         # the adapter makes its table
    data, expires = json.dumps(RECORD, separators=(",", ":"), sort_keys=True), time.time() + 86400 * 20
    connection = sqlite3.connect(path)
    with connection:
        connection.executemany("INSERT INTO memory (id, data, expires) VALUES (?, ?, ?)",
                               ((hashlib.sha256(user_id(n).encode()).hexdigest(), data, expires)
                                for n in range(size)))
    connection.close()
    return adapter


def save_after(adapter):
    def save(request):
        adapter.save_attributes(request, dict(RECORD, pref={"rate": "slow"}))
    return save


def save_now(adapter):
    def save(request):
        stored, version = adapter.read(request)               # the request read it earlier: not timed
        started = time.perf_counter()
        adapter.update(request, version, lambda current: dict(current, pref={"rate": "slow"}), stored)
        return time.perf_counter() - started
    return save


def timed(save, request):
    started = time.perf_counter()
    took = save(request)
    return took if took is not None else time.perf_counter() - started


def write_json(path, results):
    """The results as the JSON files in bench/ are written (also bench/two_devices.py)."""
    with open(path, "w") as out:
        json.dump(results, out, indent=1)
        out.write("\n")


def measure(module, size, saves, folder, name):
    """Medians and p95 (ms) of saves in a `size`-user store and, alternately,
    in a 1,000-user reference store, both made by `module`'s adapter."""
    import gc
    paths = {which: os.path.join(folder, "%s-%s-%d.sqlite3" % (name, which, size)) for which in ("big", "ref")}
    save = save_now if hasattr(module.SQLiteAdapter, "update") else save_after
    stores = {which: save(filled(module.SQLiteAdapter(path), path, size if which == "big" else REFERENCE))
              for which, path in paths.items()}
    picks = random.Random(size)
    took = {"big": [], "ref": []}
    for _ in range(saves):
        for which, limit in (("big", size), ("ref", REFERENCE)):
            took[which].append(timed(stores[which], envelope(user_id(picks.randrange(limit)))) * 1000)
    del stores
    gc.collect()                                  # the adapters (and their connections) go first
    for path in paths.values():
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
    row = {}
    for which, values in took.items():
        values.sort()
        row[which] = {"median_ms": round(statistics.median(values), 4),
                      "p95_ms": round(values[int(len(values) * 0.95) - 1], 4)}
    row["ratio"] = round(row["big"]["median_ms"] / row["ref"]["median_ms"], 2)
    return row


REFERENCE = 1000


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--against", default="e52eaa6")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    begun = time.perf_counter()
    from msguide import persistence
    modules = {"after": persistence, "before": module_at(args.against)}
    results = {"machine": os.uname().machine, "python": sys.version.split()[0],
               "sqlite": sqlite3.sqlite_version, "against": args.against, "saves": args.saves,
               "date": time.strftime("%Y-%m-%d"), "reference_users": REFERENCE}
    folder = tempfile.mkdtemp(prefix="msguide-bench-saves-")
    for name, module in modules.items():
        results[name] = {}
        print("%s (%s): users, median/p95 ms, same-run 1,000-user median, ratio"
              % (name, "this checkout" if name == "after" else args.against))
        for size in [int(s) for s in args.sizes.split(",")]:
            row = measure(module, size, args.saves, folder, name)
            results[name][str(size)] = row
            print("%10d %9.3f / %7.3f %9.3f %8.2fx" % (size, row["big"]["median_ms"], row["big"]["p95_ms"],
                                                     row["ref"]["median_ms"], row["ratio"]))
    print("took %.0f s" % (time.perf_counter() - begun))
    if args.json:
        write_json(args.json, results)


if __name__ == "__main__":
    main()
