"""Amazon's request-signature rules for a skill hosted as a web service.

Implements "Host a custom skill as a web service" on top of `cryptography`
and plugs into flask-ask-sdk's SkillAdapter as an ordinary SDK verifier:

* SignatureCertChainUrl: scheme https, host s3.amazonaws.com (any case),
  port 443 if given, normalised path starting /echo.api/ (exact case);
* the chain at that URL: fetched with a timeout, validated to a trusted root at the current time, with
  echo-api.amazon.com in the leaf's Subject Alternative Names, then cached
  under the normalised URL (at most CACHE_SIZE chains, least recently used
  dropped first) until the first certificate in the chain expires; a URL
  whose chain could not be fetched or was rejected is refused from a
  cache of failures for FAILURE_SECONDS, without fetching again;
* Signature-256: RSA PKCS#1 v1.5 over SHA-256 of the exact request body.

The app runs AlexaSignatureVerifier on the raw body before it parses any JSON,
so an unsigned request costs a header check, not a parse. AwareTimestamp
wraps the SDK's timestamp check: a timestamp without a time zone is refused.

Failures raise the SDK's VerificationException with a short reason; the app
turns them into 400 responses.
"""

import base64
import collections
import datetime
import logging
import posixpath
import threading
import urllib.parse
import urllib.request

from ask_sdk_webservice_support.verifier import AbstractVerifier, VerificationException
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.verification import DNSName, PolicyBuilder, Store, VerificationError

log = logging.getLogger("msguide.web")

CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
CERT_HOST = "s3.amazonaws.com"
CERT_PATH_PREFIX = "/echo.api/"
CERT_SAN = "echo-api.amazon.com"
FETCH_TIMEOUT_SECONDS = 5
MAX_CHAIN_BYTES = 64 * 1024
CACHE_SIZE = 16
FAILURE_SECONDS = 10       # a failed chain URL is refused this long without a new fetch
FAILURE_CACHE_SIZE = 256


def normalised_url(url):
    """The chain URL as Amazon's rules compare it: one spelling per certificate."""
    parts = urllib.parse.urlsplit(url)
    path = posixpath.normpath(urllib.parse.unquote(parts.path or "/"))
    return "https://%s%s" % (CERT_HOST, path)


def check_cert_url(url):
    """Raise VerificationException unless `url` is an allowed chain URL."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        raise VerificationException("certificate URL is malformed") from None
    if parts.scheme.lower() != "https":
        raise VerificationException("certificate URL must use https")
    if (parts.hostname or "").lower() != CERT_HOST:
        raise VerificationException("certificate URL host is not %s" % CERT_HOST)
    if port is not None and port != 443:
        raise VerificationException("certificate URL port must be 443")
    path = posixpath.normpath(urllib.parse.unquote(parts.path or "/"))
    if not path.startswith(CERT_PATH_PREFIX):
        raise VerificationException("certificate URL path must start with %s" % CERT_PATH_PREFIX)


def fetch_url(url, timeout=FETCH_TIMEOUT_SECONDS):
    """Download a certificate chain (bounded in size and time)."""
    with urllib.request.urlopen(url, timeout=timeout) as reply:
        data = reply.read(MAX_CHAIN_BYTES + 1)
    if len(data) > MAX_CHAIN_BYTES:
        raise VerificationException("certificate chain is too large")
    return data


def default_trust_store():
    """The public roots shipped with certifi (a dependency of ask-sdk-core)."""
    import certifi
    with open(certifi.where(), "rb") as handle:
        return Store(x509.load_pem_x509_certificates(handle.read()))


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


class AlexaSignatureVerifier(AbstractVerifier):
    """SDK verifier checking the certificate chain and the body signature."""

    def __init__(self, trust_store=None, fetcher=fetch_url, clock=_utcnow):
        self._trust_store = trust_store
        self._fetcher = fetcher
        self._clock = clock
        self._cache = collections.OrderedDict()   # normalised url -> (leaf, expires)
        self._failures = collections.OrderedDict()   # normalised url -> (reason, until)
        self._lock = threading.Lock()

    def _store(self):
        if self._trust_store is None:
            self._trust_store = default_trust_store()
        return self._trust_store

    def _cached(self, key, now):
        with self._lock:
            cached = self._cache.get(key)
            if cached is None:
                return None
            if cached[1] <= now:        # a certificate in the chain has expired
                del self._cache[key]
                return None
            self._cache.move_to_end(key)
            return cached[0]

    def _failed(self, key, now):
        """The reason this URL's chain was refused, if that was less than FAILURE_SECONDS ago."""
        with self._lock:
            failed = self._failures.get(key)
            if failed is not None and failed[1] <= now:
                del self._failures[key]
                failed = None
            return failed[0] if failed else None

    def _remember_failure(self, key, now, reason):
        with self._lock:
            self._failures[key] = (reason, now + datetime.timedelta(seconds=FAILURE_SECONDS))
            self._failures.move_to_end(key)
            while len(self._failures) > FAILURE_CACHE_SIZE:
                self._failures.popitem(last=False)

    def _validated_leaf(self, url):
        now = self._clock()
        key = normalised_url(url)
        leaf = self._cached(key, now)
        if leaf is not None:
            return leaf
        reason = self._failed(key, now)
        if reason is not None:
            raise VerificationException(reason)
        try:
            leaf, expires = self._fetch_and_validate(url, now)
        except VerificationException as exc:
            self._remember_failure(key, now, str(exc))
            raise
        with self._lock:
            self._cache[key] = (leaf, expires)
            self._cache.move_to_end(key)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return leaf

    def _fetch_and_validate(self, url, now):
        """(leaf, when the first certificate of the chain expires), or VerificationException."""
        try:
            data = self._fetcher(url)
            chain = x509.load_pem_x509_certificates(data)
        except VerificationException:
            raise
        except Exception as exc:
            raise VerificationException("certificate chain unavailable: %s" % type(exc).__name__) from None
        leaf, intermediates = chain[0], chain[1:]
        verifier = (PolicyBuilder().store(self._store()).time(now)
                    .build_server_verifier(DNSName(CERT_SAN)))
        try:
            verifier.verify(leaf, intermediates)
        except VerificationError as exc:
            raise VerificationException("certificate chain rejected: %s" % exc) from None
        return leaf, min(cert.not_valid_after_utc for cert in chain)

    def verify(self, headers, serialized_request_env, deserialized_request_env):
        url = headers.get(CERT_URL_HEADER)
        signature_b64 = headers.get(SIGNATURE_HEADER)
        if not url or not signature_b64:
            raise VerificationException("missing %s or %s header"
                                        % (CERT_URL_HEADER, SIGNATURE_HEADER))
        check_cert_url(url)
        try:
            signature = base64.b64decode(signature_b64, validate=True)
        except ValueError:
            raise VerificationException("signature is not base64") from None
        leaf = self._validated_leaf(url)
        key = leaf.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise VerificationException("certificate key is not RSA")
        body = serialized_request_env
        if isinstance(body, str):
            body = body.encode("utf-8")
        try:
            key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise VerificationException("signature does not match the body") from None


class AwareTimestamp(AbstractVerifier):
    """The SDK's timestamp check, after refusing a timestamp without a time zone
    (the SDK would subtract it from an aware "now" and raise TypeError: a 500)."""

    def __init__(self, inner=None):
        from ask_sdk_webservice_support.verifier import TimestampVerifier
        self.inner = inner or TimestampVerifier()

    def verify(self, headers, serialized_request_env, deserialized_request_env):
        stamp = getattr(getattr(deserialized_request_env, "request", None), "timestamp", None)
        if isinstance(stamp, datetime.datetime) and stamp.utcoffset() is None:
            raise VerificationException("request timestamp has no time zone")
        self.inner.verify(headers, serialized_request_env, deserialized_request_env)


class SkillIdMismatch(VerificationException):
    """The request is for another skill (answered with 403)."""


class SkillIdVerifier(AbstractVerifier):
    """The envelope's application id must equal the configured skill id."""

    def __init__(self, skill_id):
        self._skill_id = skill_id

    def verify(self, headers, serialized_request_env, deserialized_request_env):
        ids = set()
        context = getattr(deserialized_request_env, "context", None)
        system = getattr(context, "system", None)
        app = getattr(system, "application", None)
        if getattr(app, "application_id", None):
            ids.add(app.application_id)
        session = getattr(deserialized_request_env, "session", None)
        app = getattr(session, "application", None)
        if getattr(app, "application_id", None):
            ids.add(app.application_id)
        if ids != {self._skill_id}:
            raise SkillIdMismatch("request is not for this skill")
