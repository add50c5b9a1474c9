"""Cold start on the path Lambda users get: memory in DynamoDB.

    .venv/bin/python bench/cold_dynamodb.py [--runs 15] [--json FILE]

Starts moto in server mode on 127.0.0.1 (the real boto3 client talks HTTP to
it through AWS_ENDPOINT_URL_DYNAMODB; stopped when the script ends), creates
the table the CloudFormation stack creates, and measures, in fresh processes,
import of lambda_function plus the first request, for a LaunchRequest and for
a one-shot question (a new session that opens with "is a hot tub safe"; for
the hello worlds, "hello"), interleaved across three skills:

  hello       bench/baseline: the bare ask-sdk-core hello world
  hello+ddb   bench/baseline_dynamodb: the same with the SDK's DynamoDB adapter
              (built at import, loaded and saved on every request)
  skill       MS Massage Guide with MSGUIDE_PERSISTENCE=dynamodb

Prints medians (ms), peak RSS and ratios, and how long it took (about a
minute with the defaults); writes JSON only when asked.
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
          "skill": os.path.join(ROOT, "lambda")}
TABLE = "msguide-bench-memory"

WORKER = r"""
import json, os, resource, sys, time, importlib.util
event = json.loads(sys.stdin.read())
begin = time.perf_counter()
spec = importlib.util.spec_from_file_location("lambda_function", os.path.join(%(folder)r, "lambda_function.py"))
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
reply = module.handler(event, None)
took = time.perf_counter() - begin
assert reply["response"].get("outputSpeech"), reply
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the (larger) parent.
hwm = [int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")]
print(json.dumps({"ms": took * 1000, "rss_kib": hwm[0] if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "boto3": "boto3" in sys.modules}))
"""


def envelopes(kind):
    from msguide_sim.envelopes import SimulatedUser, slot
    user = SimulatedUser()
    launch = user.launch()
    user.new_session()
    if kind == "skill":
        question = user.intent_with_slots("HeatIntent", {"heat": slot("heat", "hot tub", "hot tub", "HEAT")})
    else:
        question = user.intent_with_slots("HelloWorldIntent", {})
    return {"launch": launch, "one-shot": question}


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


def run_once(kind, request, env):
    event = envelopes(kind)[request]
    out = subprocess.run([sys.executable, "-c", WORKER % {"folder": SKILLS[kind]}], input=json.dumps(event),
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
        runs = {(kind, request): [] for kind in SKILLS for request in ("launch", "one-shot")}
        for _ in range(args.runs):
            for key in runs:                    # interleaved
                runs[key].append(run_once(key[0], key[1], env))
    finally:
        server.terminate()
        server.wait(timeout=10)
    summary = {}
    for (kind, request), found in runs.items():
        summary["%s %s" % (kind, request)] = {
            "median_ms": round(statistics.median(r["ms"] for r in found), 1),
            "peak_rss_mib": round(statistics.median(r["rss_kib"] for r in found) / 1024, 1),
            "boto3_imported": all(r["boto3"] for r in found)}
    print("%-22s %10s %9s %7s" % ("", "median ms", "RSS MiB", "boto3"))
    for name, row in summary.items():
        print("%-22s %10.1f %9.1f %7s" % (name, row["median_ms"], row["peak_rss_mib"], row["boto3_imported"]))
    ratios = {}
    for request in ("launch", "one-shot"):
        skill = summary["skill %s" % request]["median_ms"]
        ratios[request] = {"vs hello": round(skill / summary["hello %s" % request]["median_ms"], 2),
                           "vs hello+ddb": round(skill / summary["hello+ddb %s" % request]["median_ms"], 2)}
        print("skill %s: %.2fx the hello world, %.2fx the hello world with DynamoDB memory"
              % (request, ratios[request]["vs hello"], ratios[request]["vs hello+ddb"]))
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
