"""What a screen costs: the same request mix on a voice-only device and on an Echo Show.

    .venv/bin/python bench/screens.py [--requests 3000] [--rounds 5]

Runs the request mix of bench/benchmark.py through `handler` in this process,
alternating rounds between a voice-only device and a large landscape hub
(APL 1.4), memory off, and reports the median per-request time of each and
their difference. It also times the APL work alone: choosing the document,
filling its datasource and building the RenderDocument directive
(msguide.screens.apl_version and render_directive), and serialising it into the response the
way the SDK does (the document is shared, not copied, per request).
"""

import argparse
import json
import os
import statistics
import time

os.environ.setdefault("MSGUIDE_PERSISTENCE", "none")


def envelopes(screen):
    from benchmark import mix
    from msguide_sim.envelopes import SCREENS
    out = []
    for envelope in mix("target"):
        envelope = json.loads(json.dumps(envelope))
        if screen:
            envelope["context"]["System"]["device"]["supportedInterfaces"] = {
                "Alexa.Presentation.APL": {"runtime": {"maxVersion": "1.4"}}}
            envelope["context"]["Viewport"] = {"shape": "RECTANGLE", "mode": "HUB",
                                               "pixelWidth": SCREENS["hub-landscape-large"]["width"],
                                               "pixelHeight": SCREENS["hub-landscape-large"]["height"], "dpi": 160}
        out.append(envelope)
    return out


def per_request(handler, batch, requests):
    times = []
    for i in range(requests):
        envelope = json.loads(json.dumps(batch[i % len(batch)]))
        started = time.perf_counter()
        handler(envelope, None)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def apl_only(repeats):
    """Median seconds to build and serialise the screen of one answer."""
    from ask_sdk_core.serialize import DefaultSerializer

    from msguide import screens
    from msguide.content import default_content
    from msguide.render import Say, render
    from msguide.wording import for_locale

    content, words = default_content(), for_locale("en-US")
    say = Say(topic=content.get("hot-tub"))
    spoken = render(say, content, "en-US")
    serializer = DefaultSerializer()
    from ask_sdk_model import RequestEnvelope
    envelope = serializer.deserialize(json.dumps(envelopes(True)[1]), RequestEnvelope)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        directive = screens.render_directive(screens.apl_version(envelope), say, spoken, content, words)
        serializer.serialize(directive)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from lambda_function import handler
    voice, screen = envelopes(False), envelopes(True)
    per_request(handler, voice, 300)                      # warm both paths first
    per_request(handler, screen, 300)
    results = {"voice": [], "screen": []}
    for _ in range(args.rounds):
        results["voice"].append(per_request(handler, voice, args.requests))
        results["screen"].append(per_request(handler, screen, args.requests))
    v, s = statistics.median(results["voice"]), statistics.median(results["screen"])
    print("per request, median of %d rounds of %d: voice-only %.3f ms, screen %.3f ms (+%.3f ms)"
          % (args.rounds, args.requests, v * 1e3, s * 1e3, (s - v) * 1e3))
    print("APL alone (document, datasource, directive, serialised): %.1f us per reply" % (apl_only(5000) * 1e6))


if __name__ == "__main__":
    main()
