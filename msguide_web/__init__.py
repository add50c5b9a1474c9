"""The web door: the same skill served over HTTP with flask-ask-sdk.

The skill package lives in ../lambda (the folder `ask deploy` ships to
Lambda), so it is put on the import path here, once.
"""

import os
import sys

LAMBDA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lambda")
if LAMBDA_DIR not in sys.path:
    sys.path.insert(0, LAMBDA_DIR)

# flask-ask-sdk cannot be imported on OpenSSL >= 3.0.10 without this; see sdk_compat.
from .sdk_compat import ensure_flask_ask_sdk_importable  # noqa: E402

ensure_flask_ask_sdk_importable()
