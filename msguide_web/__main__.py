"""Serve the skill over HTTP: `python -m msguide_web [options]`.

Runs the Flask app under waitress (a production WSGI server). Every option
can also come from the environment:

    --host        MSGUIDE_HOST       default 127.0.0.1
    --port        MSGUIDE_PORT       default 8080
    --skill-id    MSGUIDE_SKILL_ID   default none (any skill id accepted)
    --threads     MSGUIDE_THREADS    default 8
    --local-testing  MSGUIDE_VERIFY=0  local testing only: accept unsigned requests
    --record DIR  MSGUIDE_RECORD_DIR  save received envelopes (ids redacted) for
                                      replay as tests; loopback hosts only
"""

import argparse
import logging
import os
import sys


def parse_args(argv=None, environ=None):
    env = os.environ if environ is None else environ
    parser = argparse.ArgumentParser(prog="python -m msguide_web",
                                     description="Serve MS Massage Guide over HTTP.")
    parser.add_argument("--host", default=env.get("MSGUIDE_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(env.get("MSGUIDE_PORT", "8080")))
    parser.add_argument("--skill-id", default=env.get("MSGUIDE_SKILL_ID") or None)
    parser.add_argument("--threads", type=int, default=int(env.get("MSGUIDE_THREADS", "8")))
    parser.add_argument("--local-testing", "--no-verify", dest="no_verify", action="store_true",
                        default=env.get("MSGUIDE_VERIFY", "1").strip().lower() in ("0", "false", "no", "off"),
                        help="accept unsigned requests (local testing only)")
    parser.add_argument("--record", metavar="DIR", default=env.get("MSGUIDE_RECORD_DIR") or None,
                        help="save received envelopes for replay (development only)")
    args = parser.parse_args(argv)
    from msguide.alexa_api import is_loopback
    if args.record and not is_loopback(args.host):
        parser.error("--record is for development only: use a loopback --host")
    return args


def main(argv=None):
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # waitress warns "Task queue depth is N" for every request queued behind
    # busy threads: under steady load that is one line per request, not a signal.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    from waitress import serve

    from .app import create_app
    app = create_app(skill_id=args.skill_id, verify=not args.no_verify, record_dir=args.record)
    logging.getLogger("msguide.web").info(
        "serving on http://%s:%d/ (verification %s)", args.host, args.port,
        "OFF" if args.no_verify else "on")
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="msguide")
    return 0


if __name__ == "__main__":
    sys.exit(main())
