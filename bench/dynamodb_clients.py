"""What a cold process pays to read one DynamoDB item, per client library.

    .venv/bin/python bench/dynamodb_clients.py [--runs 9]

Against moto in server mode on 127.0.0.1 (plain HTTP, so no TLS handshake for
anyone), each case in a fresh interpreter, interleaved: import, build the
client, one GetItem. The cases are the ways msguide/persistence.py could read
memory on a cold Lambda container; docs/performance.md ("A lighter DynamoDB
path") has the numbers and the choice. Prints medians and min-max (ms).
"""

import argparse
import statistics
import subprocess
import sys
import time

import cold_dynamodb  # bench/cold_dynamodb.py, beside this file: moto and the table

STARTED = time.perf_counter()
KEY = "{'id': {'S': 'nobody'}}"
CASES = {
    "boto3 resource (what the SDK's adapter uses)":
        "import boto3\nboto3.resource('dynamodb').Table(%r).get_item(Key={'id': 'nobody'})",
    "the SDK's DynamoDbAdapter":
        "from ask_sdk_dynamodb.adapter import DynamoDbAdapter\n"
        "DynamoDbAdapter(table_name=%r, create_table=False).dynamodb.Table(%r).get_item(Key={'id': 'nobody'})",
    "botocore low-level client":
        "import botocore.session\nbotocore.session.get_session().create_client('dynamodb')"
        ".get_item(TableName=%r, Key=" + KEY + ")",
    "botocore's signer only (no request)":
        "import botocore.auth, botocore.awsrequest, botocore.credentials",
    "msguide.dynamodb (standard library)":
        "from msguide.dynamodb import Client\nClient().get_item(TableName=%r, Key=" + KEY + ")",
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args(argv)
    server, endpoint = cold_dynamodb.start_moto()
    times = {name: [] for name in CASES}
    try:
        env = cold_dynamodb.environment(endpoint)
        cold_dynamodb.create_table(env)
        for _ in range(args.runs):
            for name, code in CASES.items():             # interleaved
                body = code.replace("%r", repr(cold_dynamodb.TABLE))
                timed = "import time\nstarted = time.perf_counter()\n%s\nprint((time.perf_counter() - started) * 1000)" % body
                out = subprocess.run([sys.executable, "-c", timed], env=env, capture_output=True, text=True,
                                     check=True, timeout=120)
                times[name].append(float(out.stdout.split()[-1]))
    finally:
        server.terminate()
        server.wait(timeout=10)
    for name, found in times.items():
        print("%-46s median %6.1f ms  (%.1f-%.1f)" % (name, statistics.median(found), min(found), max(found)))
    print("took %.0f s" % (time.perf_counter() - STARTED))
    return 0


if __name__ == "__main__":
    sys.exit(main())
