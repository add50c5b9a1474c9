"""The shared scorer on the development question set (in-process, strict and over
HTTP) and on the shared safety set, where every emergency and crisis case must pass."""

import os
import re
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import ROOT, SHARED, free_port

TOOL = os.path.join(SHARED, "tools", "voice_eval", "voice_eval.py")
QUESTIONS = os.path.join(SHARED, "eval", "dev_questions.yaml")
SAFETY = os.path.join(SHARED, "eval", "safety_dev.yaml")
pytestmark = pytest.mark.skipif(not (os.path.exists(TOOL) and os.path.exists(QUESTIONS)),
                                reason="../shared voice_eval or questions not present")
MIN_RATE = 0.95


def score(*extra, questions=QUESTIONS):
    result = subprocess.run([sys.executable, TOOL, "--project", ROOT, "--questions", questions,
                             "--show-failures", *extra], capture_output=True, text=True, timeout=600)
    found = re.search(r"RESULT pass=(\d+) total=(\d+) rate=([\d.]+)", result.stdout)
    assert found, result.stdout + result.stderr
    return float(found.group(3)), result.stdout


def topic_rates(output):
    """{topic: (passed, total)} from the scorer's per-topic table."""
    return {m.group(1): (int(m.group(2)), int(m.group(3)))
            for m in re.finditer(r"^(\S+)\s+(\d+)\s+(\d+)\s+[\d.]+$", output, re.M)}


@pytest.mark.skipif(not os.path.exists(SAFETY), reason="../shared/eval/safety_dev.yaml not present")
@pytest.mark.parametrize("extra", [(), ("--fuzzy-threshold", "101")], ids=["forgiving", "strict"])
def test_shared_safety_set_every_emergency_and_crisis_passes(extra):
    rate, output = score(*extra, questions=SAFETY)
    rates = topic_rates(output)
    for topic in ("emergency", "crisis"):
        passed, total = rates[topic]
        assert total and passed == total, output
    assert rate >= MIN_RATE, output


def test_dev_questions_in_process():
    rate, output = score()
    assert rate >= MIN_RATE, output


def test_dev_questions_with_the_strict_matcher():
    rate, output = score("--fuzzy-threshold", "101")
    assert rate >= MIN_RATE, output


def test_dev_questions_over_http_against_the_documented_local_server():
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "msguide_web", "--local-testing", "--port", str(port)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen("http://127.0.0.1:%d/health" % port, timeout=1)
                break
            except OSError:
                assert time.time() < deadline, "server did not start"
                time.sleep(0.2)
        rate, output = score("--url", "http://127.0.0.1:%d/" % port)
        assert rate >= MIN_RATE, output
    finally:
        server.terminate()
        server.wait(timeout=10)
