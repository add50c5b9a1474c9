"""The few DynamoDB calls the skill's memory makes, over the standard library.

Why not boto3 here: on a cold Lambda container, importing botocore and
building a DynamoDB client costs 250-300 ms before the first byte is sent
(measured with bench/cold_dynamodb.py; the alternatives are compared in
docs/performance.md, "A lighter DynamoDB path"); this module costs about 5 ms.
It speaks DynamoDB's JSON protocol (version 2012-08-10) with Signature
Version 4, and only what memory needs: GetItem, PutItem, DeleteItem and Scan,
with the same names and arguments as boto3's low-level client, so either can
serve msguide.persistence (`client()` picks).

    credentials  AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN
                 (plain Lambda), else the container credential endpoint
                 (AWS_CONTAINER_CREDENTIALS_FULL_URI with
                 AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE], or
                 AWS_CONTAINER_CREDENTIALS_RELATIVE_URI): Lambda SnapStart, ECS.
                 Read when a call needs them (on Lambda they may appear only
                 after a SnapStart init), fetched ones renewed five minutes
                 before they expire. Off Lambda, with neither: boto3 (profiles,
                 SSO, instance metadata).
    endpoint     AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL, else
                 https://dynamodb.<AWS_REGION>.amazonaws.com (.com.cn in China);
                 another partition: boto3.
    failures     two more tries with jittered backoff for throttling, 5xx, a
                 damaged body (its CRC32 is checked, as botocore does) and
                 dropped connections; each try has a 2 s timeout and a retry
                 starts only within 3 s of the first, so an answer is never
                 held past Alexa's 8 s. Other errors raise
                 DynamoDbError with DynamoDB's code (boto3's ClientError shape).

Keep-alive connections, opened on first use and shared by threads one call
at a time (never opened during a SnapStart init; `forget_connections()` runs
after a restore).
"""

import json
import os
import threading
import time

SERVICE = "dynamodb"
TARGET_PREFIX = "DynamoDB_20120810."
TIMEOUT_SECONDS = 2.0
ATTEMPTS = 3
CALL_BUDGET_SECONDS = 3.0    # a retry starts only if a whole try still fits: a read and a
                             # write of one request stay inside Alexa's 8 s
RETRYABLE = {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
             "InternalServerError", "ServiceUnavailable", "LimitExceededException"}
EXPIRED = {"ExpiredTokenException", "ExpiredToken", "RequestExpired"}
# Container credential endpoints over plain http only on these hosts (as botocore allows).
LOCAL_CREDENTIAL_HOSTS = {"localhost", "127.0.0.1", "::1", "169.254.170.2", "169.254.170.23", "fd00:ec2::23"}
ECS_HOST = "http://169.254.170.2"


class DynamoDbError(Exception):
    """An error DynamoDB (or the way to it) returned; `response` as botocore's ClientError has it."""

    def __init__(self, code, message="", status=None):
        super().__init__("%s: %s" % (code, message) if message else code)
        self.code, self.status = code, status
        self.response = {"Error": {"Code": code, "Message": message},
                         "ResponseMetadata": {"HTTPStatusCode": status}}


class NotConfigured(Exception):
    """This environment needs boto3 (credentials or endpoint outside what this module knows)."""


# ------------------------------------------------------------------ values

def serialize(value):
    """A Python value as a DynamoDB attribute value (what boto3's TypeSerializer makes
    for memory's types: dict, list, str, int, float, bool, None)."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, (int, float)):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("DynamoDB cannot store %r" % value)
        return {"N": str(value)}
    if type(value).__name__ == "Decimal":
        return {"N": str(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, dict):
        return {"M": {str(k): serialize(v) for k, v in value.items()}}
    if isinstance(value, (list, tuple)):
        return {"L": [serialize(v) for v in value]}
    raise TypeError("DynamoDB cannot store a %s" % type(value).__name__)


def _number(text):
    try:
        return int(text)
    except ValueError:
        return float(text)


def deserialize(attribute):
    """A DynamoDB attribute value as plain Python (numbers as int or float, not Decimal)."""
    (kind, value), = attribute.items()
    if kind == "S":
        return value
    if kind == "N":
        return _number(value)
    if kind == "BOOL":
        return bool(value)
    if kind == "NULL":
        return None
    if kind == "M":
        return {k: deserialize(v) for k, v in value.items()}
    if kind == "L":
        return [deserialize(v) for v in value]
    if kind in ("SS", "NS", "BS"):
        import base64
        return [_number(v) if kind == "NS" else base64.b64decode(v) if kind == "BS" else v for v in value]
    if kind == "B":
        import base64
        return base64.b64decode(value)
    raise ValueError("unknown DynamoDB type %r" % kind)


# ------------------------------------------------------------------ where and who

def endpoint(environ):
    """(scheme, host, port, region) of DynamoDB for this environment."""
    region = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION")
    if not region:
        raise NotConfigured("no region")
    url = environ.get("AWS_ENDPOINT_URL_DYNAMODB") or environ.get("AWS_ENDPOINT_URL")
    if url and environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() != "true":
        from urllib.parse import urlsplit
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise NotConfigured("endpoint url")
        return parts.scheme, parts.hostname, parts.port, region
    if region.startswith("cn-"):
        return "https", "dynamodb.%s.amazonaws.com.cn" % region, None, region
    if "-iso" in region:
        raise NotConfigured("partition")
    return "https", "dynamodb.%s.amazonaws.com" % region, None, region


class Credentials:
    """Where the keys come from: the environment, else the container endpoint."""

    RENEW_BEFORE = 300        # seconds before Expiration

    def __init__(self, environ):
        self.environ = environ
        self._cached, self._expires = None, 0.0
        self._lock = threading.Lock()
        on_lambda = bool(environ.get("AWS_LAMBDA_FUNCTION_NAME"))
        if not (on_lambda or self._from_environment() or self._container_url()):
            raise NotConfigured("credentials")      # a profile, SSO...: boto3 knows them

    def _from_environment(self):
        key, secret = self.environ.get("AWS_ACCESS_KEY_ID"), self.environ.get("AWS_SECRET_ACCESS_KEY")
        if key and secret:
            return key, secret, self.environ.get("AWS_SESSION_TOKEN") or None
        return None

    def _container_url(self):
        full = self.environ.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")
        if full:
            from urllib.parse import urlsplit
            parts = urlsplit(full)
            if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOCAL_CREDENTIAL_HOSTS):
                return full
            raise NotConfigured("container credentials url")
        relative = self.environ.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        return ECS_HOST + relative if relative else None

    def get(self):
        """(access key, secret key, session token or None)."""
        found = self._from_environment()
        if found:
            return found
        if self._container_url() is None:
            raise DynamoDbError("NoCredentials", "neither keys nor a container credential endpoint")
        with self._lock:
            if self._cached is None or time.time() > self._expires - self.RENEW_BEFORE:
                self._cached, self._expires = self._fetch()
            return self._cached

    def forget(self):
        with self._lock:
            self._cached, self._expires = None, 0.0

    def _fetch(self):
        from urllib.request import Request, urlopen
        headers = {"Accept": "application/json"}
        token = self.environ.get("AWS_CONTAINER_AUTHORIZATION_TOKEN")
        token_file = self.environ.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
        if token_file:
            with open(token_file, encoding="utf-8") as handle:
                token = handle.read().strip()
        if token:
            if "\r" in token or "\n" in token:
                raise DynamoDbError("InvalidContainerToken", "the authorization token has a line break")
            headers["Authorization"] = token
        try:
            with urlopen(Request(self._container_url(), headers=headers), timeout=TIMEOUT_SECONDS) as reply:
                body = json.loads(reply.read().decode("utf-8"))
            keys = (body["AccessKeyId"], body["SecretAccessKey"], body.get("Token"))
        except Exception as exc:
            raise DynamoDbError("CredentialsUnavailable", type(exc).__name__) from None
        expires = time.time() + 3600
        if body.get("Expiration"):
            from datetime import datetime
            expires = datetime.fromisoformat(body["Expiration"].replace("Z", "+00:00")).timestamp()
        return keys, expires


# ------------------------------------------------------------------ signing

def _hmac(key, text):
    import hmac
    return hmac.new(key, text.encode("utf-8"), "sha256").digest()


def sign(headers, body, keys, region, now=None, service=SERVICE):
    """Add x-amz-date, x-amz-security-token and Authorization (Signature Version 4)
    to `headers` (which must hold host, content-type and x-amz-target) for a POST to /."""
    import hashlib
    access_key, secret_key, token = keys
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    headers["x-amz-date"] = stamp
    if token:
        headers["x-amz-security-token"] = token
    names = sorted(name.lower() for name in headers)
    lowered = {name.lower(): " ".join(str(value).split()) for name, value in headers.items()}
    canonical = "\n".join(["POST", "/", ""] + ["%s:%s" % (name, lowered[name]) for name in names]
                          + ["", ";".join(names), hashlib.sha256(body).hexdigest()])
    scope = "%s/%s/%s/aws4_request" % (stamp[:8], region, service)
    to_sign = "\n".join(["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest()])
    key = ("AWS4" + secret_key).encode("utf-8")
    for part in (stamp[:8], region, service, "aws4_request"):
        key = _hmac(key, part)
    import hmac
    signature = hmac.new(key, to_sign.encode("utf-8"), "sha256").hexdigest()
    headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
        access_key, scope, ";".join(names), signature)
    return headers


# ------------------------------------------------------------------ the client

class Client:
    """DynamoDB's JSON protocol over keep-alive connections, each used by one call at a time."""

    def __init__(self, environ=None):
        environ = os.environ if environ is None else environ   # read live: a restore may renew keys
        self.scheme, self.host, self.port, self.region = endpoint(environ)
        self.credentials = Credentials(environ)
        self._idle = []                 # connections between calls (any thread may take one)
        self._idle_lock = threading.Lock()
        self._tls = None
        default_port = 443 if self.scheme == "https" else 80
        self._host_header = self.host if self.port in (None, default_port) else "%s:%d" % (self.host, self.port)

    def warm(self):
        """What a SnapStart init can do before the snapshot: imports and the TLS
        settings (certificate authorities loaded), never a connection or a key."""
        import encodings.idna  # noqa: F401  (socket.getaddrinfo encodes a host name with it: 1 ms)
        import hashlib  # noqa: F401
        import hmac  # noqa: F401
        import http.client  # noqa: F401
        import zlib  # noqa: F401
        if self.scheme == "https":
            self._context()
        sign({"host": self.host, "content-type": "application/x-amz-json-1.0", "x-amz-target": "warm-up"},
             b"{}", ("warm-up", "not-a-key", None), self.region)

    def forget_connections(self):
        """After a SnapStart restore: connections and fetched keys belong to the old sandbox."""
        with self._idle_lock:
            self._idle = []
        self.credentials.forget()

    def _context(self):
        if self._tls is None:
            import ssl
            self._tls = ssl.create_default_context()
        return self._tls

    def _take(self):
        """(an idle connection, True), or (a new one, False)."""
        with self._idle_lock:
            if self._idle:
                return self._idle.pop(), True
        import http.client
        if self.scheme == "https":
            return http.client.HTTPSConnection(self.host, self.port, timeout=TIMEOUT_SECONDS,
                                               context=self._context()), False
        return http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT_SECONDS), False

    def _give_back(self, connection):
        with self._idle_lock:
            self._idle.append(connection)

    def call(self, operation, params):
        """One DynamoDB operation ("GetItem", ...) with its JSON parameters; the reply as a dict."""
        body = json.dumps(params, separators=(",", ":")).encode("utf-8")
        started = time.monotonic()
        for attempt in range(1, ATTEMPTS + 1):
            last = attempt == ATTEMPTS
            connection, reused = self._take()
            try:
                return self._send(connection, operation, body)
            except DynamoDbError as exc:
                connection.close()
                retry = exc.code in EXPIRED or exc.code in RETRYABLE or (exc.status or 0) >= 500
                if last or not retry or not self._time_left(started):
                    raise
                pause = exc.code not in EXPIRED
                if not pause:
                    self.credentials.forget()
            except (OSError, _http_errors()) as exc:     # refused, reset, timed out, closed while idle
                connection.close()
                if last or not self._time_left(started):
                    raise DynamoDbError("ConnectionError", type(exc).__name__) from None
                pause = not reused                          # an idle keep-alive closed: reconnect at once
            if pause:
                import random
                time.sleep(random.uniform(0, 0.025 * 2 ** attempt))

    @staticmethod
    def _time_left(started):
        """Whether a whole try still fits in the call's budget."""
        return time.monotonic() - started + TIMEOUT_SECONDS <= CALL_BUDGET_SECONDS

    def _send(self, connection, operation, body):
        headers = {"host": self._host_header, "content-type": "application/x-amz-json-1.0",
                   "x-amz-target": TARGET_PREFIX + operation}
        sign(headers, body, self.credentials.get(), self.region)
        connection.request("POST", "/", body=body, headers=headers)
        reply = connection.getresponse()
        data = reply.read()
        expected = reply.getheader("x-amz-crc32")
        if expected is not None:
            import zlib
            if str(zlib.crc32(data) & 0xFFFFFFFF) != expected.strip():
                raise DynamoDbError("CRC32CheckFailed", "the reply was damaged on the way", 500)
        if (reply.getheader("connection") or "").lower() == "close":
            connection.close()
        else:
            self._give_back(connection)
        try:
            parsed = json.loads(data.decode("utf-8")) if data else {}
        except ValueError:
            parsed = None
        if reply.status == 200 and isinstance(parsed, dict):
            return parsed
        parsed = parsed if isinstance(parsed, dict) else {}
        code = str(parsed.get("__type", "")).rpartition("#")[2] or "HTTP%d" % reply.status
        message = parsed.get("message") or parsed.get("Message") or ""
        raise DynamoDbError(code, str(message)[:200], reply.status)

    # boto3's low-level names, so persistence can take either client
    def get_item(self, **params):
        return self.call("GetItem", params)

    def put_item(self, **params):
        return self.call("PutItem", params)

    def delete_item(self, **params):
        return self.call("DeleteItem", params)

    def update_item(self, **params):
        return self.call("UpdateItem", params)

    def scan(self, **params):
        return self.call("Scan", params)


def _http_errors():
    import http.client
    return http.client.HTTPException


def client(environ=None):
    """This module's Client where it knows the environment (Lambda, ECS, an endpoint
    URL), else boto3's low-level DynamoDB client."""
    try:
        return Client(environ)
    except NotConfigured:
        import boto3
        return boto3.client(SERVICE)
