"""Cold start on the path Lambda users get: memory in DynamoDB.

    .venv/bin/python bench/cold_dynamodb.py [--runs 15] [--json FILE]

Starts moto in server mode on 127.0.0.1 (the clients talk HTTP to it through
AWS_ENDPOINT_URL_DYNAMODB; stopped when the script ends), creates the table
the CloudFormation stack creates, and measures, in fresh processes, import of
lambda_function (the init) and the first request, for a LaunchRequest (a new
user: memory read and written) and for a one-shot question (a new session
that opens with "is a hot tub safe", from a user who said "speak slower" in an
earlier session: memory read, and the answer must be slowed; for the hello
worlds, "hello"), interleaved across four skills:

  hello       bench/baseline: the bare ask-sdk-core hello world
  hello+ddb   bench/baseline_dynamodb: the same with the SDK's DynamoDB adapter
              (built at import, loaded and saved on every request)
  skill       MS Massage Guide with MSGUIDE_PERSISTENCE=dynamodb
  skill-snap  the same, its init run as a SnapStart snapshot init would
              (AWS_LAMBDA_INITIALIZATION_TYPE=snap-start: msguide/snapstart.py
              warms); what a restored snapshot pays is its first request alone

Prints medians (ms) of init + first request and of the first request alone,
peak RSS and ratios, and how long it took (about a minute with the defaults);
writes JSON only when asked.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import http_load  # bench/http_load.py, beside this file

STARTED = time.perf_counter()
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SKILLS = {"hello": os.path.join(ROOT, "bench", "baseline"),
          "hello+ddb": os.path.join(ROOT, "bench", "baseline_dynamodb"),
          "skill": os.path.join(ROOT, "lambda"),
          "skill-snap": os.path.join(ROOT, "lambda")}
REQUESTS = ("launch", "one-shot")
TABLE = "msguide-bench-memory"

WORKER = r"""
import json, os, resource, sys, time, importlib.util
event = json.loads(sys.stdin.read())
expect = event.pop("expect", None)
begin = time.perf_counter()
spec = importlib.util.spec_from_file_location("lambda_function", os.path.join(%(folder)r, "lambda_function.py"))
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
waited = []
adapter = getattr(getattr(module, "SKILL", None), "persistence_adapter", None)
if adapter is not None:            # the skill: how long its first request waited for DynamoDB
    call = adapter._call
    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            waited.append(time.perf_counter() - started)
    adapter._call = timed
first = time.perf_counter()
reply = module.handler(event, None)
took = time.perf_counter() - begin
assert reply["response"].get("outputSpeech"), reply
assert expect != "slowed" or '<prosody rate="80%%">' in reply["response"]["outputSpeech"]["ssml"], reply
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the (larger) parent.
hwm = [int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")]
print(json.dumps({"ms": took * 1000, "first_ms": (time.perf_counter() - first) * 1000,
                  "store_ms": sum(waited) * 1000, "rss_kib": hwm[0] if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "boto3": "botocore" in sys.modules}))
"""


def envelopes(kind, returning_user):
    from msguide_sim.envelopes import SimulatedUser, slot
    user = SimulatedUser()
    launch = user.launch()
    if kind.startswith("skill"):
        user.user_id = returning_user
        user.new_session()
        question = user.intent_with_slots("HeatIntent", {"heat": slot("heat", "hot tub", "hot tub", "HEAT")})
        question["expect"] = "slowed"          # read from memory, or the worker fails
    else:
        user.new_session()
        question = user.intent_with_slots("HelloWorldIntent", {})
    return {"launch": launch, "one-shot": question}


def a_user_who_asked_for_a_slower_voice(env):
    """Said "speak slower" in an earlier session: the skill itself writes the record."""
    code = ("import json, lambda_function\n"
            "from msguide_sim.envelopes import SimulatedUser, slot\n"
            "user = SimulatedUser()\n"
            "slower = {'pace': slot('pace', 'slower', 'slow', 'PACE')}\n"
            "for envelope in (user.launch, lambda: user.intent_with_slots('SpeechRateIntent', slower)):\n"
            "    user.attributes = lambda_function.handler(envelope(), None).get('sessionAttributes') or {}\n"
            "    user.new = False\n"
            "print(user.user_id)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=SKILLS["skill"], env=env, capture_output=True,
                         text=True, check=True, timeout=120)
    return out.stdout.split()[-1]


def start_moto():
    port = http_load.free_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    http_load.wait_for_port(port)
    return server, "http://127.0.0.1:%d" % port


def environment(endpoint):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MSGUIDE_"))}
    env.update(AWS_ENDPOINT_URL_DYNAMODB=endpoint, AWS_DEFAULT_REGION="us-east-1",
               AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
               MSGUIDE_PERSISTENCE="dynamodb", MSGUIDE_TABLE=TABLE)
    return env


def create_table(env):
    import boto3
    client = boto3.client("dynamodb", region_name="us-east-1", endpoint_url=env["AWS_ENDPOINT_URL_DYNAMODB"],
                          aws_access_key_id="bench", aws_secret_access_key="bench")
    client.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])


def run_once(kind, request, env, returning_user):
    event = envelopes(kind, returning_user)[request]
    if kind == "skill-snap":
        env = dict(env, AWS_LAMBDA_INITIALIZATION_TYPE="snap-start")
    out = subprocess.run([sys.executable, "-c", WORKER % {"folder": SKILLS[kind]}],
                         input=json.dumps(event),
                         capture_output=True, text=True, env=env, timeout=120, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    args = parser.parse_args(argv)
    server, endpoint = start_moto()
    try:
        env = environment(endpoint)
        create_table(env)
        for folder in SKILLS.values():          # bytecode once, as a deployed package ships it
            import compileall
            compileall.compile_dir(folder, quiet=1)
        returning_user = a_user_who_asked_for_a_slower_voice(env)
        runs = {(kind, request): [] for kind in SKILLS for request in REQUESTS}
        for _ in range(args.runs):
            for key in runs:                    # interleaved
                runs[key].append(run_once(key[0], key[1], env, returning_user))
    finally:
        server.terminate()
        server.wait(timeout=10)
    summary = {}
    for (kind, request), found in runs.items():
        summary["%s %s" % (kind, request)] = {
            "median_ms": round(statistics.median(r["ms"] for r in found), 1),
            "first_request_ms": round(statistics.median(r["first_ms"] for r in found), 2),
            "first_request_store_wait_ms": round(statistics.median(r["store_ms"] for r in found), 2),
            "spread_ms": [round(min(r["ms"] for r in found), 1), round(max(r["ms"] for r in found), 1)],
            "peak_rss_mib": round(statistics.median(r["rss_kib"] for r in found) / 1024, 1),
            "botocore_imported": all(r["boto3"] for r in found)}
    print("%-22s %10s %15s %12s %14s %8s %9s" % ("", "median ms", "min-max ms", "first req ms",
                                                  "of it DynamoDB", "RSS MiB", "botocore"))
    for name, row in summary.items():
        print("%-22s %10.1f %7.1f-%-7.1f %12.2f %14s %8.1f %9s" % (
            name, row["median_ms"], row["spread_ms"][0], row["spread_ms"][1], row["first_request_ms"],
            "%.2f" % row["first_request_store_wait_ms"] if name.startswith("skill") else "-",
            row["peak_rss_mib"], row["botocore_imported"]))
    ratios = {}
    for request in REQUESTS:
        skill = summary["skill %s" % request]["median_ms"]
        restored = summary["skill-snap %s" % request]["first_request_ms"]
        ratios[request] = {
            "vs hello": round(skill / summary["hello %s" % request]["median_ms"], 2),
            "vs hello+ddb": round(skill / summary["hello+ddb %s" % request]["median_ms"], 2),
            "restored first request vs hello": round(restored / summary["hello %s" % request]["first_request_ms"], 2),
            "restored first request vs hello+ddb": round(
                restored / summary["hello+ddb %s" % request]["first_request_ms"], 2)}
        print("skill %s, cold: %.2fx the hello world, %.2fx the hello world with DynamoDB memory (<= 1.0)"
              % (request, ratios[request]["vs hello"], ratios[request]["vs hello+ddb"]))
        own = restored - summary["skill-snap %s" % request]["first_request_store_wait_ms"]
        ratios[request]["restored first request less the DynamoDB wait vs hello"] = round(
            own / summary["hello %s" % request]["first_request_ms"], 2)
        print("skill %s, first request after a snapshot init: %.2fx the hello world's first request "
              "(<= 1.3; %.2fx less the wait for DynamoDB, which the hello world never makes), "
              "%.2fx the hello world with DynamoDB memory's" % (
                  request, ratios[request]["restored first request vs hello"],
                  ratios[request]["restored first request less the DynamoDB wait vs hello"],
                  ratios[request]["restored first request vs hello+ddb"]))
    took = time.perf_counter() - STARTED
    print("took %.0f s" % took)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump({"date": time.strftime("%Y-%m-%d"), "runs": args.runs, "summary": summary,
                       "ratios": ratios}, handle, indent=2)
        print("wrote", args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
