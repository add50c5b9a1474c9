#!/usr/bin/env python3
"""Build the AWS Lambda deployment zip: only what the function needs.

    python msguide_tools/package_lambda.py [--out build/lambda.zip] [--platform manylinux2014_aarch64]

Contents: lambda_function.py, the msguide package (code, content, wording)
and lambda/requirements.txt installed for the Lambda runtime (Python 3.12,
ARM by default), compiled to bytecode so a cold start does not recompile
(Lambda's file system is read-only). Nothing else: no Flask, no web door, no
test or build tools. The zip must stay under MAX_ZIP_BYTES.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAMBDA_DIR = os.path.join(ROOT, "lambda")
MAX_ZIP_BYTES = 5 * 1024 * 1024
RUNTIME_PYTHON = "3.12"
SKIP_DIRS = {"__pycache__", "tests", "test"}
SKIP_SUFFIXES = (".pyc", ".pyo")
# boto3 and its dependencies come with Lambda's Python runtime; on Lambda the
# skill's memory uses msguide/dynamodb.py instead (boto3 is the fallback for
# environments it does not know). Shipping them would add ~15 MB for nothing.
PROVIDED_BY_RUNTIME = ("boto3", "botocore", "s3transfer", "jmespath")
# Packages that must never be in the function (they belong to the web door or tooling).
FORBIDDEN = ("flask", "werkzeug", "waitress", "pytest", "yaml", "cryptography", "flask_ask_sdk")


BOOTSTRAP_LOCK = os.path.join(ROOT, "requirements", "bootstrap.lock")


def bootstrap_pip(folder):
    """The pinned, hashed pip of requirements/bootstrap.lock, installed into `folder`.

    Whatever pip this interpreter has, the lock is installed by the one the project
    pins (an older bundled pip refuses hashed locks on some days). Returns the
    environment that makes `python -m pip` run it."""
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "--require-hashes", "--no-deps", "--target", folder, "-r", BOOTSTRAP_LOCK],
                   check=True)
    return dict(os.environ, PYTHONPATH=folder + os.pathsep + os.environ.get("PYTHONPATH", ""))


def install_requirements(target, platform):
    pip_home = tempfile.mkdtemp(prefix="msguide-pip-")
    try:
        env = bootstrap_pip(pip_home)
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                   "--require-hashes", "--no-compile", "--target", target,
                   "-r", os.path.join(LAMBDA_DIR, "requirements.txt")]
        if platform:
            command += ["--platform", platform, "--implementation", "cp",
                        "--python-version", RUNTIME_PYTHON, "--only-binary=:all:"]
        subprocess.run(command, check=True, env=env)
    finally:
        shutil.rmtree(pip_home, ignore_errors=True)


def copy_skill(target):
    shutil.copy2(os.path.join(LAMBDA_DIR, "lambda_function.py"), target)
    shutil.copytree(os.path.join(LAMBDA_DIR, "msguide"), os.path.join(target, "msguide"),
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def prune(target):
    for name in os.listdir(target):
        if name.split("-")[0].lower() in PROVIDED_BY_RUNTIME:
            shutil.rmtree(os.path.join(target, name), ignore_errors=True)
    for folder, dirs, files in os.walk(target, topdown=True):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        for name in files:
            if name.endswith(SKIP_SUFFIXES):
                os.remove(os.path.join(folder, name))


# Run inside the staged package (isolated interpreter, nothing else on the
# path): answer a typical mix of requests, then list the files it loaded.
WARM_UP = r"""
import json, os, sys
import lambda_function     # from the current folder: the staged package, as on Lambda
from msguide.snapstart import returning_user_requests, typical_requests

for body in typical_requests() + returning_user_requests():
    assert "response" in lambda_function.handler(body, None)
print(json.dumps(sorted(m.__file__ for m in list(sys.modules.values())
                        if (getattr(m, "__file__", None) or "").startswith(os.getcwd() + os.sep))))
"""


def runtime_python():
    """An interpreter of the Lambda runtime's version (bytecode is per version):
    this one if it matches, else python3.12 on the PATH, else None."""
    if "%d.%d" % sys.version_info[:2] == RUNTIME_PYTHON:
        return sys.executable
    import glob
    candidates = [shutil.which("python" + RUNTIME_PYTHON)] + sorted(glob.glob(os.path.expanduser(
        "~/.pyenv/versions/%s.*/bin/python%s" % (RUNTIME_PYTHON, RUNTIME_PYTHON))))
    for python in filter(None, candidates):       # a pyenv shim may exist and still not run
        if subprocess.run([python, "-c", "pass"], capture_output=True).returncode == 0:
            return python
    return None


def hot_modules(target, python):
    """Source files a cold start and a typical request mix actually load."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    out = subprocess.run([python, "-S", "-c", WARM_UP], env=env,
                         cwd=target, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def compile_bytecode(target):
    """Ship bytecode for the modules requests load (the cold-start path), not
    for all ~900 modules: that would push the zip past 5 MB for files that a
    skill request never imports. Bytecode is per Python version, so it is made
    by an interpreter of the runtime's version; without one, none is shipped
    (with SnapStart that costs little: the compile happens once per version, in
    the snapshotted init)."""
    python = runtime_python()
    if python is None:
        print("note: no Python %s here, so no bytecode is shipped" % RUNTIME_PYTHON)
        return 0
    files = [f for f in hot_modules(target, python) if f.endswith(".py")]
    subprocess.run([python, "-S", "-c", "import py_compile, sys\n"
                    "for path in sys.argv[1:]:\n    py_compile.compile(path, doraise=True)"] + files,
                   check=True)
    return len(files)


def write_zip(source, out):
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for folder, dirs, files in os.walk(source):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(folder, name)
                archive.write(path, os.path.relpath(path, source))


def build(out, platform="manylinux2014_aarch64"):
    staging = tempfile.mkdtemp(prefix="msguide-lambda-")
    try:
        install_requirements(staging, platform)
        prune(staging)
        copy_skill(staging)
        compile_bytecode(staging)
        present = [p for p in FORBIDDEN if os.path.exists(os.path.join(staging, p))]
        if present:
            raise SystemExit("refusing to package: %s" % ", ".join(present))
        write_zip(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    size = os.path.getsize(out)
    if size > MAX_ZIP_BYTES:
        raise SystemExit("%s is %d bytes, over the %d limit" % (out, size, MAX_ZIP_BYTES))
    return size


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "build", "lambda.zip"))
    parser.add_argument("--platform", default="manylinux2014_aarch64",
                        help="pip platform tag for compiled wheels ('' for this machine)")
    args = parser.parse_args(argv)
    size = build(args.out, args.platform)
    print("wrote %s (%.2f MB)" % (os.path.relpath(args.out, ROOT), size / 1e6))
    return 0


if __name__ == "__main__":
    sys.exit(main())
