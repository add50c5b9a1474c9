"""Choose the urgent detector's thresholds on tuning data only: 5-fold cross-validation.

    .venv/bin/python bench/urgent_thresholds.py

Trains the detector (msguide_tools/train_understanding.py's urgent_examples, the tuning part
only) on four folds and scores the fifth, so each phrasing is judged by a detector
that never saw it; prints recall of urgent phrasings and false alarms on calm ones at
each threshold. The held-back parts are never read.
"""

import random

from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from msguide import content as content_module
from msguide.understanding.classifier import features
from msguide_tools import train_understanding as trainer
from msguide_tools.build_model import load_source


def main():
    texts, labels = trainer.urgent_examples(load_source(), content_module.load())
    order = list(range(len(texts)))
    random.Random(3).shuffle(order)
    folds = [order[i::5] for i in range(5)]
    scored = []
    for held in folds:
        held_set = set(held)
        train = [i for i in order if i not in held_set]
        vectorizer = DictVectorizer()
        matrix = vectorizer.fit_transform([{f: 1 for f in features(texts[i])} for i in train])
        model = LogisticRegression(C=trainer.URGENT_C, max_iter=3000, class_weight="balanced")
        model.fit(matrix, [labels[i] for i in train])
        probabilities = model.predict_proba(vectorizer.transform(
            [{f: 1 for f in features(texts[i])} for i in held]))
        calm = list(model.classes_).index("calm")
        for i, row in zip(held, probabilities):
            scored.append((labels[i] != "calm", 1.0 - row[calm]))
    urgent = sum(1 for u, _ in scored if u)
    calm_total = len(scored) - urgent
    print("%d urgent, %d calm examples (with carrier-stripped copies)" % (urgent, calm_total))
    print("threshold  recall           false alarms")
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        hits = sum(1 for u, p in scored if u and p >= threshold)
        alarms = sum(1 for u, p in scored if not u and p >= threshold)
        print("  %.1f      %4d/%d %5.1f%%   %4d/%d %5.1f%%" % (
            threshold, hits, urgent, 100.0 * hits / urgent, alarms, calm_total, 100.0 * alarms / calm_total))


if __name__ == "__main__":
    main()
