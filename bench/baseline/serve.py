"""Serve the baseline skill the same way as MS Massage Guide: flask-ask-sdk under waitress."""

import argparse
import logging
import os

HERE = os.path.dirname(os.path.abspath(__file__))

import msguide_web  # noqa: E402,F401  (makes flask_ask_sdk importable here; see sdk_compat)

# isort: split
from flask import Flask  # noqa: E402
from flask_ask_sdk.skill_adapter import VERIFY_SIGNATURE_APP_CONFIG, VERIFY_TIMESTAMP_APP_CONFIG, SkillAdapter  # noqa: E402
from waitress import serve  # noqa: E402


def load_baseline():
    import importlib.util
    spec = importlib.util.spec_from_file_location("baseline_lambda_function",
                                                  os.path.join(HERE, "lambda_function.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    app = Flask("baseline")
    app.config[VERIFY_SIGNATURE_APP_CONFIG] = False
    app.config[VERIFY_TIMESTAMP_APP_CONFIG] = False
    SkillAdapter(skill=load_baseline().skill, skill_id="baseline", app=app).register(app=app, route="/")
    serve(app, host="127.0.0.1", port=args.port, threads=args.threads, _quiet=True)


if __name__ == "__main__":
    main()
