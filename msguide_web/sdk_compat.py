"""Let flask-ask-sdk import on OpenSSL 3.0.10 and newer. The one place we do this.

The problem: flask_ask_sdk.skill_adapter imports ask_sdk_webservice_support's
verifier module, which imports `certvalidator`, which imports `oscrypto`.
oscrypto 1.3.0 (the last release) reads the system libcrypto version with a
pattern that only allows one-digit patch numbers, so on "OpenSSL 3.0.19" it
raises LibraryNotFoundError at import time and nothing of flask-ask-sdk loads.
The upstream fix was merged but never released.

What we do: try the real import first. Only if it fails with that specific
oscrypto error do we register a stand-in `certvalidator` module whose
classes refuse to be used. Nothing on disk is changed.

Why verification stays on: the SDK's own certvalidator-based RequestVerifier
is never used by this project. msguide_web.verifier implements Amazon's
signature rules on `cryptography` and is passed to SkillAdapter through its
`verifiers` argument; msguide_web.app switches the SDK's built-in signature
check off only because ours replaces it. If anything did reach the stand-in,
it raises instead of passing a request through.
"""

import logging
import sys
import types

log = logging.getLogger("msguide.web")

MESSAGE = ("certvalidator cannot run here (oscrypto cannot read this OpenSSL "
           "version); use msguide_web.verifier.AlexaSignatureVerifier")


class UnavailableCertificateValidator:
    def __init__(self, *args, **kwargs):
        raise RuntimeError(MESSAGE)


class ValidationError(Exception):
    pass


class PathError(ValidationError):
    pass


def _oscrypto_broken():
    try:
        import certvalidator  # noqa: F401
    except Exception as exc:
        if type(exc).__name__ != "LibraryNotFoundError":
            raise
        return True
    return False


def ensure_flask_ask_sdk_importable():
    """Make `import flask_ask_sdk.skill_adapter` work; returns True if a
    stand-in for certvalidator had to be registered."""
    if "certvalidator" in sys.modules:
        return hasattr(sys.modules["certvalidator"], "__stand_in__")
    if not _oscrypto_broken():
        return False
    for name in list(sys.modules):
        if name == "certvalidator" or name.startswith(("certvalidator.", "oscrypto._openssl")):
            del sys.modules[name]
    package = types.ModuleType("certvalidator")
    package.__stand_in__ = MESSAGE
    package.CertificateValidator = UnavailableCertificateValidator
    errors = types.ModuleType("certvalidator.errors")
    errors.ValidationError = ValidationError
    errors.PathError = PathError
    package.errors = errors
    sys.modules["certvalidator"] = package
    sys.modules["certvalidator.errors"] = errors
    log.info("certvalidator unavailable (oscrypto/OpenSSL version); "
             "request signatures are checked by msguide_web.verifier")
    return True
