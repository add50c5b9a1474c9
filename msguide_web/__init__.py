"""The web door: the same skill served over HTTP with flask-ask-sdk.

The skill package `msguide` lives in ../lambda (the folder `ask deploy` ships
to Lambda); pyproject.toml maps it there, so it imports like any package.
"""

# flask-ask-sdk cannot be imported on OpenSSL >= 3.0.10 without this; see sdk_compat.
from .sdk_compat import ensure_flask_ask_sdk_importable

ensure_flask_ask_sdk_importable()
