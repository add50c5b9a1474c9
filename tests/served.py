"""`python -m msguide_web ...` in a subprocess, for the tests that meet the real endpoint."""

import os
import subprocess
import sys
import tempfile
import time
import urllib.request

from conftest import ROOT, free_port

CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith("MSGUIDE_")}
CLEAN_ENV.update(MSGUIDE_PERSISTENCE="none")


class Served:
    """`python -m msguide_web ...` in a subprocess, as scripts/serve runs it.

    Its log (stderr) goes to a file, read by `log()` while it runs and
    returned by `stop()`, so a chatty server never blocks on a full pipe."""

    def __init__(self, *args, env=None):
        self.port = free_port()
        self.url = "http://127.0.0.1:%d/" % self.port
        self.stderr = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "msguide_web", "--port", str(self.port)] + list(args),
            cwd=ROOT, env=dict(CLEAN_ENV, **(env or {})),
            stdout=subprocess.DEVNULL, stderr=self.stderr, text=True)
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(self.url + "health", timeout=1):
                    break
            except OSError:
                if self.process.poll() is not None or time.time() > deadline:
                    raise AssertionError("server did not start: %s" % self.stop()) from None
                time.sleep(0.2)

    def log(self):
        self.stderr.seek(0)
        return self.stderr.read()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.log()
