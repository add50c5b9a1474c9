"""The skill's logger, imported on first use, and what may be written to it.

`logging` costs a few milliseconds to import and is needed only when
something goes wrong, so cold starts do not pay for it (bench/benchmark.py).

Values that come from a request (Alexa's error messages, status codes) go
through `printable` first: one line, no terminal escapes, bounded, so a
request cannot forge a log line or repaint an operator's terminal. A handler
error is logged as `where(exception)`, one line naming the error and the
place it was raised, never a traceback (whose locals and lines may quote the
request).
"""

LONGEST = 200


def logger():
    import logging
    return logging.getLogger("msguide")


def printable(value, longest=LONGEST):
    """`value` as one line of printable text: control and line-breaking
    characters escaped (\\n, \\x1b, \\u2028...), cut to `longest` characters."""
    text = value if isinstance(value, str) else repr(value)
    if text.isprintable() and len(text) <= longest:
        return text
    out = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                  for ch in text[:longest])
    return out + ("... (%d characters)" % len(text) if len(text) > longest else "")


def where(exception):
    """'ValueError at msguide/reminders/plan.py:120 in parse_duration': the error's
    type and the innermost frame it passed through, without its message."""
    frame = exception.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    name = type(exception).__name__
    if frame is None:
        return name
    code = frame.tb_frame.f_code
    path = code.co_filename.replace("\\", "/")
    for root in ("/msguide/", "/site-packages/", "/lib/python"):
        if root in path:
            path = path[path.rindex(root) + 1:]
            break
    return "%s at %s:%d in %s" % (name, path, frame.tb_lineno, code.co_name)
