"""The urgent net judged on authors it has not met: out of fold, by outsider batch.

The tuning part of the outsider batches is cut into folds by batch (one author, one
persona each). For each fold the urgent detector is retrained without that fold's
phrasings (and without their carrier-less variants), and the fold's tuning cases are
scored end to end through the real skill. A threshold in data/policy.json is chosen
on these numbers, not on the detector's own training data (on which it is always
right). Held-back phrasings are never read.

    python msguide_tools/out_of_fold.py [--folds 5] [--set urgent_unanswered_at=0.7 ...] [--classifier] [--show-failures]
"""

import argparse
import json

from msguide_tools import eval_sets, outsider, train_understanding as trainer


def fold_of(cases, folds):
    batches = sorted({c["batch"] for c in cases})
    return {b: i % folds for i, b in enumerate(batches)}


def score(folds=5, settings=(), runner=None, classifier_too=False):
    """({kind: [passed, total]}, failures) over the tuning part, each fold scored by
    a detector trained without it (and, with `classifier_too`, a topic classifier
    trained without it, since the classifier learns the batches' ordinary questions).
    `settings`: [(policy attribute, value)]."""
    from sklearn.linear_model import LogisticRegression

    from msguide import content as content_module
    from msguide.understanding import classifier
    from msguide.understanding.triage import load as load_triage

    content = content_module.load()
    source = trainer.load_source()
    texts, labels, weights = trainer.urgent_examples(source, content, with_weights=True)
    plain = load_triage(content=content).plain
    cases = [c for c in outsider.all_cases() if c["part"] == "tune"]
    fold = fold_of(cases, folds)
    understanding = classifier.default_understanding()
    for name, value in settings:
        setattr(understanding.policy, name, value)
    runner = runner or eval_sets.Runner(101)
    totals, failures = {}, []
    for number in range(folds):
        mine = [c for c in cases if fold[c["batch"]] == number]
        said = [plain(c["say"]) or c["say"] for c in mine]
        said_set = set(said)
        keep = [i for i, text in enumerate(texts)
                if text not in said_set and not (len(text) > 15 and any(text in s for s in said))]
        fitted = trainer.fit([texts[i] for i in keep], [labels[i] for i in keep],
                             LogisticRegression(C=trainer.URGENT_C, max_iter=3000, class_weight="balanced"),
                             [weights[i] for i in keep])
        if classifier_too:
            topics = trainer.train_classifier(content, source,
                                              leave_out={b for b, f in fold.items() if f == number})
            understanding.model = classifier.Linear(topics)
            understanding.classes = understanding.model.classes
            understanding.weights = understanding.model.weights
            understanding.asks_for_research.cache_clear()
        understanding.detector = classifier.Detector(fitted)
        understanding.read.cache_clear()
        found, failed = outsider.score(mine, runner)
        for kind, (passed, total) in found.get("tune", {}).items():
            pair = totals.setdefault(kind, [0, 0])
            pair[0] += passed
            pair[1] += total
        failures += failed
    return totals, failures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--set", action="append", default=[], help="policy attribute=value")
    parser.add_argument("--show-failures", action="store_true", help="urgent and calm failures")
    parser.add_argument("--classifier", action="store_true",
                        help="retrain the topic classifier per fold too (it learns the ordinary questions)")
    args = parser.parse_args(argv)
    settings = [(kv.split("=")[0], float(kv.split("=")[1])) for kv in args.set]
    totals, failures = score(args.folds, settings, classifier_too=args.classifier)
    print(json.dumps({k: "%d/%d" % tuple(v) for k, v in outsider.summary(totals).items()}))
    print(", ".join("%s %d/%d" % (k, p, n) for k, (p, n) in sorted(totals.items())))
    if args.show_failures:
        outsider.print_failures([f for f in failures if f[0]["kind"] in ("emergency", "crisis", "nonurgent")])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
