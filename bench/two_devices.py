"""One account on two devices at once: how many acknowledged changes are lost.

    .venv/bin/python bench/two_devices.py [--seconds 30] [--store sqlite,dynamodb]
                                          [--code REV] [--json FILE]

Starts two `python -m msguide_web --local-testing` servers (two processes, as
two Lambda containers would be) on one store: an SQLite file, or DynamoDB
under moto in server mode. For --seconds, as fast as each can:

  the phone    sets reminders ("remind me on <day> at <time> to book a
               massage", then "yes") through the first server;
  the speaker  same account, changes the speech speed (slower, faster,
               normal, in turn) through the second.

The Alexa APIs are a FakeAlexaApi in this process (the servers run with
MSGUIDE_FAKE_ALEXA_API=0, so they call the envelope's apiEndpoint). moto's
own server answers requests on many threads and then does not apply a
conditional write atomically (4 threads running a plain compare-and-set loop,
240 writes: twice, two of them were both told they had written the same
version, on moto 5.2.5), which DynamoDB does; so moto is served here one
request at a time (the same loop: 240 of 240 kept). Counted:

  tokens  reminders the phone heard "Done." for, and of those, how many
          tokens the stored record lacks at the end;
  speeds  speed changes the speaker heard confirmed, and how many were lost:
          before each change (and at the end) the speaker reads the store,
          where the rate must be the one it set last, since nothing else
          sets it.

--code REV serves from git revision REV instead of this checkout (git archive
into a temporary folder), for the numbers before a fix: e52eaa6 is the code
the review measured. BENCH_LOG=FILE appends the servers' logs to FILE. Prints
one line per store; writes JSON only when asked.
"""

import argparse
import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import cold_dynamodb  # bench/cold_dynamodb.py, beside this file: the table and the environment
import http_load  # bench/http_load.py
import memory_saves  # bench/memory_saves.py: how results are written

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# "speak slower", "speak faster", "normal speed": SpeechRateIntent's pace (revisions
# before the six voice intents were folded into two answer these with Fallback)
RATES = [("slower", "slow", "slow"), ("faster", "fast", "fast"), ("normal speed", "normal", None)]


def code_at(revision):
    """A folder holding the project's code as of `revision` (for PYTHONPATH)."""
    folder = tempfile.mkdtemp(prefix="msguide-bench-code-")
    archive = subprocess.run(["git", "archive", revision, "lambda", "msguide_web", "msguide_sim"],
                             cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
    return folder


MOTO = """
import sys
from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
run_simple("127.0.0.1", int(sys.argv[1]), DomainDispatcherApplication(create_backend_app), threaded=False)
"""


def start_moto():
    """moto in server mode, one request at a time (conditional writes atomic, as on DynamoDB)."""
    port = http_load.free_port()
    server = subprocess.Popen([sys.executable, "-c", MOTO, str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    http_load.wait_for_port(port)
    return server, "http://127.0.0.1:%d" % port


def serve(env, code):
    port = http_load.free_port()
    env = dict(env, MSGUIDE_FAKE_ALEXA_API="0")
    if code:
        env["PYTHONPATH"] = os.pathsep.join([os.path.join(code, "lambda"), code])
    process = subprocess.Popen([sys.executable, "-m", "msguide_web", "--local-testing", "--port", str(port)],
                               cwd=code or ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=open(os.environ["BENCH_LOG"], "a") if os.environ.get("BENCH_LOG") else subprocess.DEVNULL)
    http_load.wait_for_port(port)
    return process, "http://127.0.0.1:%d/" % port


def post(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())


def said(response):
    import re
    return re.sub(r"<[^>]+>", "", response["response"].get("outputSpeech", {}).get("ssml", ""))


def turn(url, user, envelope):
    response = post(url, envelope)
    user.attributes = dict(response.get("sessionAttributes") or {})
    if response["response"].get("shouldEndSession"):
        user.new_session()
    return said(response)


def phone_loop(url, phone, until, counts):
    from msguide_sim.envelopes import slot as make
    today = datetime.date.today()
    number = 0
    while time.monotonic() < until:
        number += 1
        date = (today + datetime.timedelta(days=1 + number % 300)).isoformat()
        clock = "%02d:%02d" % (9 + (number // 300) % 9, 0)
        slots = {"date": make("date", date), "time": make("time", clock),
                 "task": make("task", "book a massage", "book a massage", "CUSTOM", phone.skill_id)}
        asked = turn(url, phone, phone.intent_with_slots("SetReminderIntent", slots))
        if not asked.endswith("Shall I set it?"):
            counts["phone_odd"] += 1
            continue
        if turn(url, phone, phone.intent_with_slots("AMAZON.YesIntent", {})).startswith("Done."):
            counts["reminders"] += 1


def speaker_loop(url, speaker, until, counts, stored_rate):
    from msguide_sim.envelopes import slot
    expected, number = None, 0
    turn(url, speaker, speaker.launch())
    while time.monotonic() < until:
        if stored_rate() != expected:
            counts["speeds_lost"] += 1
        spoken, value, rate = RATES[number % len(RATES)]
        number += 1
        pace = {"pace": slot("pace", spoken, value, "PACE")}
        if "Okay" in turn(url, speaker, speaker.intent_with_slots("SpeechRateIntent", pace)):
            counts["speeds"] += 1
            expected = rate
    counts["final_expected"] = expected


def run(store, seconds, code):
    from msguide_sim.envelopes import SimulatedUser
    from msguide_sim.fake_alexa_api import FakeAlexaApi
    api = FakeAlexaApi(any_token=True)
    phone = SimulatedUser(api_endpoint=api.url, reminders_permission="GRANTED")
    speaker = SimulatedUser(api_endpoint=api.url, reminders_permission="GRANTED")
    speaker.user_id = phone.user_id
    key = hashlib.sha256(phone.user_id.encode()).hexdigest()
    cleanup, servers = [], []
    try:
        if store == "sqlite":
            folder = tempfile.mkdtemp(prefix="msguide-bench-two-")
            cleanup.append(lambda: shutil.rmtree(folder, ignore_errors=True))
            path = os.path.join(folder, "memory.sqlite3")
            env = {k: v for k, v in os.environ.items() if not k.startswith("MSGUIDE_")}
            env.update(MSGUIDE_PERSISTENCE="sqlite", MSGUIDE_DB=path)

            def record():
                if not os.path.exists(path):
                    return {}
                connection = sqlite3.connect(path)
                try:
                    row = connection.execute("SELECT data FROM memory WHERE id = ?", (key,)).fetchone()
                finally:
                    connection.close()
                return json.loads(row[0]) if row else {}
        else:
            moto, endpoint = start_moto()
            cleanup.append(moto.terminate)
            env = cold_dynamodb.environment(endpoint)
            cold_dynamodb.create_table(env)
            import boto3
            table = boto3.resource("dynamodb", region_name="us-east-1", endpoint_url=endpoint,
                                   aws_access_key_id="bench", aws_secret_access_key="bench"
                                   ).Table(cold_dynamodb.TABLE)

            def record():
                item = table.get_item(Key={"id": key}, ConsistentRead=True).get("Item") or {}
                return item.get("attributes") or {}
        for _ in range(2):
            servers.append(serve(env, code))

        def stored_rate():
            return (record().get("pref") or {}).get("rate")
        counts = {"reminders": 0, "phone_odd": 0, "speeds": 0, "speeds_lost": 0}
        until = time.monotonic() + seconds
        threads = [threading.Thread(target=phone_loop, args=(servers[0][1], phone, until, counts)),
                   threading.Thread(target=speaker_loop, args=(servers[1][1], speaker, until, counts, stored_rate))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        deadline = time.monotonic() + 10          # a write still waiting for a lock may land
        while time.monotonic() < deadline:
            kept = {r.get("token") for r in record().get("reminders") or []}
            if set(api.reminders) <= kept and stored_rate() == counts["final_expected"]:
                break
            time.sleep(0.2)
        if stored_rate() != counts["final_expected"]:
            counts["speeds_lost"] += 1
        counts["tokens_made"] = len(api.reminders)
        counts["tokens_lost"] = len(set(api.reminders) - kept)
        counts.pop("final_expected")
        return counts
    finally:
        for process, _url in servers:
            process.terminate()
            process.wait(timeout=30)
        for step in cleanup:
            step()
        api.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--store", default="sqlite,dynamodb")
    parser.add_argument("--code", metavar="REV", help="serve git revision REV instead of this checkout")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    code = code_at(args.code) if args.code else None
    results = {"code": args.code or "this checkout", "seconds": args.seconds,
               "date": time.strftime("%Y-%m-%d"), "stores": {}}
    try:
        for store in args.store.split(","):
            counts = run(store, args.seconds, code)
            results["stores"][store] = counts
            print("%-8s %s: %d of %d acknowledged reminder tokens lost, %d of %d acknowledged speed changes lost"
                  % (store, results["code"], counts["tokens_lost"], counts["reminders"],
                     counts["speeds_lost"], counts["speeds"]))
    finally:
        if code:
            shutil.rmtree(code, ignore_errors=True)
    if args.json:
        memory_saves.write_json(args.json, results)


if __name__ == "__main__":
    main()
