"""The seeded fuzzer (tests/fuzz.py): every mutated envelope gets a valid reply.

10,000 cases through the Lambda handler and a few hundred through the real
web endpoint. A failure prints the seed's case number and the problems, so
`cases(SEED, n)` reproduces it exactly.
"""

import copy
import json
import os
import urllib.error
import urllib.request

from fuzz import cases, problems, request_type

SEED = int(os.environ.get("MSGUIDE_FUZZ_SEED", "20261128"))
HANDLER_CASES = int(os.environ.get("MSGUIDE_FUZZ_CASES", "10000"))
HTTP_CASES = 300


def test_fuzzed_envelopes_through_the_lambda_handler(handler):
    failures, kinds = [], set()
    for number, event in enumerate(cases(SEED, HANDLER_CASES)):
        sent = copy.deepcopy(event)
        try:
            reply = handler(sent, None)
        except Exception as exc:      # a crash is the worst failure of all
            failures.append((number, request_type(event), ["crash: %r" % exc]))
            continue
        found = problems(event, reply)
        if found:
            failures.append((number, request_type(event), found))
        kinds.add(request_type(event))
    assert not failures, "%d of %d cases failed (seed %d), first: %s" % (
        len(failures), HANDLER_CASES, SEED, failures[:5])
    assert {"LaunchRequest", "IntentRequest", "SessionEndedRequest"} <= kinds


def test_fuzzed_envelopes_through_the_web_endpoint(live_server):
    from msguide_web.app import create_app
    server = live_server(create_app(verify=False))
    statuses = {}
    for number, event in enumerate(cases(SEED + 1, HTTP_CASES)):
        request = urllib.request.Request(server.url, data=json.dumps(event).encode(),
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                status, body = reply.status, json.loads(reply.read())
        except urllib.error.HTTPError as exc:
            status, body = exc.code, json.loads(exc.read())
        statuses[status] = statuses.get(status, 0) + 1
        assert status in (200, 400, 413), (number, status, body)
        if status == 200:
            assert not problems(event, body), (number, problems(event, body))
        else:
            assert set(body) == {"error", "status"}, (number, body)
    assert statuses.get(200, 0) > HTTP_CASES // 2, statuses
