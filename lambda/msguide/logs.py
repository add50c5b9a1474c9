"""The skill's logger, imported on first use.

`logging` costs a few milliseconds to import and is needed only when
something goes wrong, so cold starts do not pay for it (bench/benchmark.py).
"""


def logger():
    import logging
    return logging.getLogger("msguide")
