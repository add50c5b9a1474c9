"""Serve the skill over HTTP: `python -m msguide_web [options]`.

Runs the Flask app under waitress (a production WSGI server). Every option
can also come from the environment:

    --host        MSGUIDE_HOST       default 127.0.0.1
    --port        MSGUIDE_PORT       default 8080
    --skill-id    MSGUIDE_SKILL_ID   required while verification is on
    --any-skill   MSGUIDE_ANY_SKILL=1  verify signatures but accept any skill id
                                      (not recommended; warns on every start)
    --threads     MSGUIDE_THREADS    default 8
    --connection-limit MSGUIDE_CONNECTION_LIMIT  default 900 (at most 900)
    --channel-timeout  MSGUIDE_CHANNEL_TIMEOUT   default 10 (seconds)
    --request-timeout  MSGUIDE_REQUEST_TIMEOUT   default 10 (seconds from a
                                      request's first byte to its last)
    --local-testing  MSGUIDE_VERIFY=0  local testing only: accept unsigned
                                      requests; loopback hosts only; the Alexa
                                      APIs (reminders, time zone) are a local
                                      fake that logs what it is sent, unless
                                      MSGUIDE_FAKE_ALEXA_API=0
    --record DIR  MSGUIDE_RECORD_DIR  save received envelopes (ids redacted) for
                                      replay as tests; loopback hosts only
"""

import argparse
import logging
import os
import signal
import sys
import time

from .app import MAX_BODY_BYTES, ConfigurationError

log = logging.getLogger("msguide.web")
TRUE = ("1", "true", "yes", "on")
MAX_CONNECTIONS = 900      # select() handles descriptors < 1024; the rest are the process's own


def _flag(env, name, default="0"):
    return env.get(name, default).strip().lower() in TRUE


def parse_args(argv=None, environ=None):
    env = os.environ if environ is None else environ
    parser = argparse.ArgumentParser(prog="python -m msguide_web",
                                     description="Serve MS Massage Guide over HTTP.")
    parser.add_argument("--host", default=env.get("MSGUIDE_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(env.get("MSGUIDE_PORT", "8080")))
    parser.add_argument("--skill-id", default=env.get("MSGUIDE_SKILL_ID") or None,
                        help="the skill id requests must carry (required with verification)")
    parser.add_argument("--any-skill", action="store_true", default=_flag(env, "MSGUIDE_ANY_SKILL"),
                        help="verify signatures but accept requests for any skill id")
    parser.add_argument("--threads", type=int, default=int(env.get("MSGUIDE_THREADS", "8")),
                        help="worker threads answering requests (default 8)")
    parser.add_argument("--connection-limit", type=int,
                        default=int(env.get("MSGUIDE_CONNECTION_LIMIT", str(MAX_CONNECTIONS))),
                        help="open connections accepted at once (default and most %d)" % MAX_CONNECTIONS)
    parser.add_argument("--channel-timeout", type=int,
                        default=int(env.get("MSGUIDE_CHANNEL_TIMEOUT", "10")),
                        help="seconds an idle or stalled connection is kept (default 10)")
    parser.add_argument("--request-timeout", type=int,
                        default=int(env.get("MSGUIDE_REQUEST_TIMEOUT", "10")),
                        help="seconds from a request's first byte until all of it must have "
                             "arrived, however slowly it trickles (default 10)")
    parser.add_argument("--local-testing", "--no-verify", dest="no_verify", action="store_true",
                        default=not _flag(env, "MSGUIDE_VERIFY", "1"),
                        help="accept unsigned requests (local testing only, loopback hosts only)")
    parser.add_argument("--record", metavar="DIR", default=env.get("MSGUIDE_RECORD_DIR") or None,
                        help="save received envelopes for replay (development only)")
    args = parser.parse_args(argv)
    from msguide.alexa_api import is_loopback
    if args.record and not is_loopback(args.host):
        parser.error("--record is for development only: use a loopback --host")
    if args.no_verify and not is_loopback(args.host):
        parser.error("--local-testing accepts unsigned requests: it only listens on a loopback "
                     "--host such as 127.0.0.1 (got %s)" % args.host)
    if not args.no_verify and not args.skill_id and not args.any_skill:
        parser.error("request verification is on but no skill id is set: set MSGUIDE_SKILL_ID "
                     "(or --skill-id) to your skill's id, or --any-skill / MSGUIDE_ANY_SKILL=1 "
                     "to accept requests signed for any skill")
    if args.connection_limit > MAX_CONNECTIONS:
        parser.error("--connection-limit must be at most %d (the event loop uses select(), "
                     "which handles descriptors below 1024)" % MAX_CONNECTIONS)
    for name in ("threads", "connection_limit", "channel_timeout", "request_timeout"):
        if getattr(args, name) < 1:
            parser.error("--%s must be at least 1" % name.replace("_", "-"))
    return args


def server_settings(args):
    """Server settings, chosen deliberately (see docs/web-endpoint.md).

    Bodies over the skill's limit are refused by waitress from the
    Content-Length header, before any of the body is read; connections are
    handled by one event loop (up to 900 of them), and only a complete request
    occupies a worker thread. A request must arrive whole within
    `request_timeout` of its first byte (msguide_web.server, checked every
    `cleanup_interval`), and an idle connection is closed after
    `channel_timeout`; at the limit, the connection waiting longest for its
    client makes room for a new one.
    """
    return {
        "host": args.host,
        "port": args.port,
        "threads": args.threads,
        "connection_limit": args.connection_limit,
        "channel_timeout": args.channel_timeout,
        "request_timeout": args.request_timeout,
        "cleanup_interval": 1,
        "max_request_body_size": MAX_BODY_BYTES,
        "max_request_header_size": 64 * 1024,
        # select(), not poll(): waitress's poll loop measured 15% fewer requests
        # per second here; select() handles descriptors below 1024 only, so the
        # connection limit stays under MAX_CONNECTIONS (parse_args checks it).
        "asyncore_use_poll": False,
        "backlog": 1024,
        "ident": "msguide",
    }


def _skill_with_fake_alexa_api():
    """Local testing: the skill's Alexa API calls go to msguide_sim's fake, on loopback."""
    from msguide.alexa_api import StdlibApiClient
    from msguide.skill import build_skill
    from msguide_sim.fake_alexa_api import FakeAlexaApi
    fake_log = logging.getLogger("msguide.fake_alexa_api")
    fake = FakeAlexaApi(any_token=True, log=lambda text: fake_log.info("the skill sent: %s", text))
    log.info("Alexa APIs (reminders, time zone): a local fake at %s; set "
             "MSGUIDE_FAKE_ALEXA_API=0 to use the envelope's apiEndpoint", fake.url)
    return build_skill(api_client=StdlibApiClient(redirect=fake.url))


class _AppToCome:
    """The WSGI app the server answers with, set once the port is ours (see listen)."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


def listen(args, settings):
    """Bind the port before anything else is said or built: (server, app slot),
    or (None, the one line that says why not, naming the option to change)."""
    import errno

    from .server import create_server
    slot = _AppToCome()
    try:
        return create_server(slot, **settings), slot
    except OSError as exc:
        where = "%s:%d" % (args.host, args.port)
        if exc.errno == errno.EADDRINUSE:
            return None, ("msguide_web: port %d on %s is already in use (is another server running?); "
                          "choose another with --port (or MSGUIDE_PORT)" % (args.port, args.host))
        if exc.errno == errno.EACCES:
            return None, ("msguide_web: not allowed to listen on %s (ports below 1024 need privileges); "
                          "choose another with --port (or MSGUIDE_PORT)" % where)
        return None, ("msguide_web: cannot listen on %s (%s); check --host and --port"
                      % (where, exc.strerror or exc))
    except ValueError as exc:          # waitress could not resolve the host (or the port)
        return None, ("msguide_web: cannot listen on %s:%d (%s); check --host and --port"
                      % (args.host, args.port, exc))


def main(argv=None):
    args = parse_args(argv)
    settings = server_settings(args)
    server, slot = listen(args, settings)
    if server is None:
        print(slot, file=sys.stderr)
        return 1
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # waitress warns "Task queue depth is N" for every request queued behind
    # busy threads: under steady load that is one line per request, not a signal.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    from .access_log import BackgroundLog
    from .app import create_app
    skill = None
    if args.no_verify and _flag(os.environ, "MSGUIDE_FAKE_ALEXA_API", "1"):
        skill = _skill_with_fake_alexa_api()
    access_log = BackgroundLog(log)
    try:
        slot.app = create_app(skill=skill, skill_id=args.skill_id, verify=not args.no_verify,
                              any_skill=args.any_skill, record_dir=args.record, access_log=access_log)
    except ConfigurationError as exc:
        access_log.close()
        server.close()
        print("msguide_web: %s" % exc, file=sys.stderr)
        return 2
    started = time.perf_counter()
    from msguide.snapstart import settle, warm_up
    warm_up()          # the first free-form question need not wait for rules, weights and index
    settle()           # and no garbage collection walks what lives as long as the process
    log.info("warmed up in %.0f ms", (time.perf_counter() - started) * 1000)
    log.info("serving on http://%s:%d/ (verification %s, skill id %s; %d threads, "
             "%d connections, %d s channel timeout, %d s request timeout)", args.host, args.port,
             "OFF" if args.no_verify else "on",
             args.skill_id or ("ANY" if not args.no_verify else "not checked"),
             settings["threads"], settings["connection_limit"], settings["channel_timeout"],
             settings["request_timeout"])
    # SIGTERM (docker stop, systemd, a supervisor) stops like Ctrl-C: waitress closes
    # its sockets and the access log writes what it still holds.
    signal.signal(signal.SIGTERM, _stop)
    try:
        server.run()                   # returns on Ctrl-C or SIGTERM (waitress stops quietly)
    finally:
        access_log.close()
    return 0


def _stop(signum, frame):
    raise SystemExit(0)                # in the main thread, inside waitress's loop


if __name__ == "__main__":
    sys.exit(main())
