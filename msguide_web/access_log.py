"""The access log, written off the request threads.

Each answered request is logged as one JSON line (app.create_app). Written the
usual way, every line costs its worker thread a trip through the logging
handler's lock, a formatted timestamp and a write and flush of stderr while up
to eight threads and the event loop share the interpreter. `python -m
msguide_web` hands the lines to `BackgroundLog` instead: the request thread
makes the record (its time is taken then) and queues it; one thread formats
what has queued and writes it with one write and one flush, through the very
handlers the logger would have used (same format, same stream, under the
handler's lock, so lines from other loggers never interleave inside one).

The writer wakes for the first line queued, then waits `GATHER_SECONDS` for
more before it writes: a line is out at most about that long after its request
was answered, and under load the writer wakes some 20 times a second instead
of once per request or two. (Woken per line, it cost nearly every request a
wake-up of one more thread, a hand-off of the interpreter lock and a write to
stderr, with 8 worker threads and the event loop sharing the cores.) `close()`
(at exit, and when SIGTERM or Ctrl-C stops the server) writes whatever is still
queued, without waiting.
"""

import logging
import queue
import threading

_STOP = object()
GATHER_SECONDS = 0.05      # how long the writer waits, once woken, for more lines


class BackgroundLog:
    """Call with a line to log it at INFO on `logger`, written by a background thread."""

    def __init__(self, logger, gather_seconds=GATHER_SECONDS):
        self.logger = logger
        self._gather = gather_seconds
        self._stopping = threading.Event()
        self._queue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="access-log", daemon=True)
        self._closed = False
        self._thread.start()

    def __call__(self, line):
        if self._closed:
            self.logger.info(line)
            return
        record = self.logger.makeRecord(self.logger.name, logging.INFO, "(access log)", 0, line, None, None)
        self._queue.put(record)

    def close(self, timeout=5):
        """Write what is queued, then stop the thread (lines after this are written directly)."""
        if self._closed:
            return
        self._closed = True
        self._stopping.set()                   # no gathering wait: write now
        self._queue.put(_STOP)
        self._thread.join(timeout)

    def _run(self):
        while True:
            records = [self._queue.get()]
            if self._gather and records[0] is not _STOP:
                self._stopping.wait(self._gather)   # let more lines queue: one wake-up, one write
            try:
                while True:
                    records.append(self._queue.get_nowait())
            except queue.Empty:
                pass
            stop = _STOP in records
            records = [r for r in records if r is not _STOP]
            if records:
                self._write(records)
            if stop:
                return

    def _handlers(self):
        """The handlers logger.handle() would call, in its order."""
        found, logger = [], self.logger
        while logger is not None:
            found.extend(logger.handlers)
            if not logger.propagate:
                break
            logger = logger.parent
        return found

    def _write(self, records):
        records = [r for r in records if self.logger.filter(r)]
        handlers = self._handlers()
        if not handlers:                       # as logging does: the last resort handler
            for record in records:
                self.logger.handle(record)
            return
        for handler in handlers:
            batch = [r for r in records if r.levelno >= handler.level and handler.filter(r)]
            if not batch:
                continue
            if type(handler) is logging.StreamHandler:
                try:
                    text = "".join(handler.format(r) + handler.terminator for r in batch)
                    with handler.lock:
                        handler.stream.write(text)
                        handler.flush()
                except Exception:              # as StreamHandler.emit does
                    handler.handleError(batch[0])
            else:
                for record in batch:
                    handler.handle(record)
