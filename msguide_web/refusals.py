"""The endpoint's refusals, one shape wherever they are made: a small JSON body
{"error": ..., "status": N} (the Flask app's, and waitress's own in server.py)."""

import json

from flask import Response


def body(status, message):
    return json.dumps({"error": message, "status": status}).encode()


def error(status, message):
    return Response(body(status, message), status=status, mimetype="application/json")
