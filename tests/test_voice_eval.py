"""The shared scorer on the development question set, in-process and over HTTP."""

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
pytestmark = pytest.mark.skipif(not (os.path.exists(TOOL) and os.path.exists(QUESTIONS)),
                                reason="../shared voice_eval or questions not present")
MIN_RATE = 0.95


def score(*extra):
    result = subprocess.run([sys.executable, TOOL, "--project", ROOT, "--questions", QUESTIONS,
                             "--show-failures", *extra], capture_output=True, text=True, timeout=600)
    found = re.search(r"RESULT pass=(\d+) total=(\d+) rate=([\d.]+)", result.stdout)
    assert found, result.stdout + result.stderr
    return float(found.group(3)), result.stdout


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
