"""Outsider phrasings: batches written by independent authors, scored at first sight.

Each batch in tests/data/outsider/ was written by a helper given only a persona, a
brief (the fact sheet's topic list and the triage tiers) and no look at the project's
data, tests or voice model. A batch is scored once, the moment it arrives, before
anything is changed for it: those first-sight numbers are kept in
tests/data/outsider/first_sight.json and are the honest learning curve. Then each
case is put in the tuning part (70%) or the held-back part (30%) by a hash of its id;
held-back failures are never printed.

    python msguide_tools/outsider.py first-sight BATCH.yaml [...]   # score new batches, record them
    python msguide_tools/outsider.py score [--part tune|held|all] [--show-failures] [--batch NAME]
    python msguide_tools/outsider.py curve                          # docs/learning-curve.md
"""

import argparse
import datetime
import glob
import json
import os
import subprocess
import sys

from msguide_tools import eval_sets  # the same hash split, expectations and scorer

ROOT = eval_sets.ROOT
FOLDER = os.path.join(ROOT, "tests", "data", "outsider")
FIRST_SIGHT = os.path.join(FOLDER, "first_sight.json")
CURVE = os.path.join(ROOT, "docs", "learning-curve.md")
KINDS = ("ordinary", "emergency", "crisis", "nonurgent", "relapse", "overheating",
         "contraindication", "medicines", "diagnosis", "offtopic", "uncovered")
URGENT_KINDS = ("emergency", "crisis")


def batch_name(path):
    return os.path.splitext(os.path.basename(path))[0]


def load_batch(path):
    """[{id, batch, kind, say, locale, topic, part, expect, forbid, end_session}]"""
    import yaml
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    name, locale = batch_name(path), data["locale"]
    cases, seen = [], set()
    for entry in data["cases"]:
        kind, say = entry["kind"], " ".join(str(entry["say"]).split())
        if kind not in KINDS:
            raise ValueError("%s: unknown kind %r for %r" % (name, kind, say))
        cid = "outsider:%s:%s:%s" % (name, kind, say.lower())
        if cid in seen:
            continue
        seen.add(cid)
        case = {"id": cid, "batch": name, "mix": data.get("mix", "usual"), "kind": kind, "say": say,
                "locale": entry.get("locale", locale), "part": eval_sets.part_of(cid)}
        if kind == "ordinary":
            case.update(topic=entry["topic"], expect=[], forbid=[eval_sets.URGENT_REPLY, eval_sets.BARE_OPENING])
        else:
            expect, forbid, end = eval_sets.expectations("idiom" if kind == "nonurgent" else kind,
                                                         case["locale"])
            case.update(expect=expect, forbid=forbid)
            if end:
                case["end_session"] = end
        cases.append(case)
    return cases


def batches():
    return sorted(glob.glob(os.path.join(FOLDER, "batch-*.yaml")))


def all_cases(names=None):
    found = []
    for path in batches():
        if names is None or batch_name(path) in names:
            found += load_batch(path)
    return found


def score(cases, runner=None, topic_titles=None):
    """{part: {kind: [passed, total]}}, failures [(case, intent, reasons, text)]."""
    runner = runner or eval_sets.Runner(101)
    if topic_titles is None:
        from msguide.content import default_content
        topic_titles = {t.id: t.title for t in default_content().topics.values()}
    totals, failures = {}, []
    for case in cases:
        response, intent, _confirmed = runner.ask(case["say"], case["locale"])
        reasons = eval_sets.check(case, response, topic_titles)
        kinds = totals.setdefault(case["part"], {})
        passed, total = kinds.get(case["kind"], [0, 0])
        kinds[case["kind"]] = [passed + (not reasons), total + 1]
        if reasons:
            failures.append((case, intent, reasons, eval_sets.speech_text(response)))
    return totals, failures


def summary(kinds):
    """Headline rates of one part: urgent recall, ordinary, off-topic, all."""
    def rate(names):
        passed = sum(kinds.get(k, [0, 0])[0] for k in names)
        total = sum(kinds.get(k, [0, 0])[1] for k in names)
        return [passed, total]
    return {"urgent_recall": rate(URGENT_KINDS), "nonurgent_kept_calm": rate(("nonurgent",)),
            "ordinary": rate(("ordinary",)), "offtopic": rate(("offtopic",)), "all": rate(KINDS)}


def _commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
    except Exception:
        return "unknown"


def _print_totals(totals):
    for part in ("tune", "held"):
        kinds = totals.get(part, {})
        if not kinds:
            continue
        line = ", ".join("%s %d/%d" % (k, p, t) for k, (p, t) in sorted(kinds.items()))
        print("  %-4s %s" % (part, line))
        for key, (p, t) in summary(kinds).items():
            if t:
                print("       %-20s %3d/%-3d %5.1f%%" % (key, p, t, 100.0 * p / t))


def print_failures(failures):
    for case, intent, reasons, text in failures:
        if case["part"] != "tune":
            continue
        print("FAIL %-11s %-5s %-24s %s\n     %s\n     -> %s" % (
            case["kind"], case["locale"], intent, case["say"], "; ".join(reasons), text[:150]))


def first_sight(paths, show_failures):
    record = json.load(open(FIRST_SIGHT, encoding="utf-8")) if os.path.exists(FIRST_SIGHT) else {"batches": []}
    done = {b["batch"] for b in record["batches"]}
    runner = eval_sets.Runner(101)
    for path in paths:
        name = batch_name(path)
        if name in done:
            print("%s was scored at first sight already; its numbers stay as they were" % name)
            continue
        cases = load_batch(path)
        totals, failures = score(cases, runner)
        print("%s: %d cases, first sight at %s" % (name, len(cases), _commit()))
        _print_totals(totals)
        if show_failures:
            print_failures(failures)
        record["batches"].append({
            "batch": name, "cases": len(cases), "commit": _commit(),
            "date": datetime.date.today().isoformat(),
            "totals": totals, "summary": {part: summary(k) for part, k in totals.items()}})
        done.add(name)
    with open(FIRST_SIGHT, "w", encoding="utf-8") as handle:
        json.dump(record, handle, indent=1, sort_keys=True)
        handle.write("\n")


def _pct(pair):
    return "%d/%d (%.1f%%)" % (pair[0], pair[1], 100.0 * pair[0] / pair[1]) if pair[1] else "-"


def write_curve():
    """docs/learning-curve.md from first_sight.json and a fresh score of every batch."""
    record = json.load(open(FIRST_SIGHT, encoding="utf-8"))
    totals, _failures = score(all_cases())
    now = {part: summary(kinds) for part, kinds in totals.items()}
    lines = ["# Learning curve: outsider phrasings", "",
             "Made by `python msguide_tools/outsider.py curve`; do not edit by hand. Each batch was",
             "written by an independent author (a helper with a persona and a brief, who never",
             "saw the project's data, tests or voice model) and scored **at first sight**, before",
             "anything was changed for it, with the strict matcher (exact sample shapes only).",
             "Batches are in `tests/data/outsider/`; every case is in the tuning (70%) or held-back",
             "(30%) part by a hash of its id. See [understanding](understanding.md).", "",
             "## First sight, batch by batch", "",
             "| batch | cases | commit | urgent recall | calm kept calm | ordinary answered | off-topic declined | all |",
             "|---|---|---|---|---|---|---|---|"]
    for entry in record["batches"]:
        merged = {}
        for part in entry["totals"].values():
            for kind, (p, t) in part.items():
                merged.setdefault(kind, [0, 0])
                merged[kind][0] += p
                merged[kind][1] += t
        s = summary(merged)
        lines.append("| %s | %d | %s | %s | %s | %s | %s | %s |" % (
            entry["batch"], entry["cases"], entry["commit"], _pct(s["urgent_recall"]),
            _pct(s["nonurgent_kept_calm"]), _pct(s["ordinary"]), _pct(s["offtopic"]), _pct(s["all"])))
    lines += ["", "## Now, every batch (commit %s)" % _commit(), "",
              "| part | urgent recall | calm kept calm | ordinary answered | off-topic declined | all |",
              "|---|---|---|---|---|---|"]
    for part in ("tune", "held"):
        s = now.get(part)
        if s:
            lines.append("| %s | %s | %s | %s | %s | %s |" % (
                part, _pct(s["urgent_recall"]), _pct(s["nonurgent_kept_calm"]), _pct(s["ordinary"]),
                _pct(s["offtopic"]), _pct(s["all"])))
    lines += ["", "Per kind, now:", ""]
    for part in ("tune", "held"):
        kinds = totals.get(part, {})
        lines.append("- %s: %s" % (part, ", ".join("%s %d/%d" % (k, p, t) for k, (p, t) in sorted(kinds.items()))))
    with open(CURVE, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    print("wrote", os.path.relpath(CURVE, ROOT))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    first = sub.add_parser("first-sight")
    first.add_argument("paths", nargs="+")
    first.add_argument("--show-failures", action="store_true", help="tuning-part failures only")
    scoring = sub.add_parser("score")
    scoring.add_argument("--part", choices=("tune", "held", "all"), default="tune")
    scoring.add_argument("--show-failures", action="store_true")
    scoring.add_argument("--batch", action="append")
    scoring.add_argument("--kind", action="append")
    sub.add_parser("curve")
    args = parser.parse_args(argv)
    if args.command == "first-sight":
        first_sight(args.paths, args.show_failures)
    elif args.command == "curve":
        write_curve()
    else:
        if args.part == "held" and args.show_failures:
            raise SystemExit("held-back failures are not shown: tune on the tuning part only")
        cases = [c for c in all_cases(args.batch) if args.part == "all" or c["part"] == args.part]
        if args.kind:
            cases = [c for c in cases if c["kind"] in args.kind]
        totals, failures = score(cases)
        _print_totals(totals)
        if args.show_failures:
            print_failures(failures)
        for kind, what in sorted(eval_sets.failure_kinds(failures).items()):
            print("  %s failures: %s" % (kind, ", ".join("%s %d" % p for p in sorted(what.items()))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
