"""waitress, with what it lacks in front of the internet.

waitress's own `channel_timeout` counts from the last byte received, so a client
that trickles a byte every few seconds is never closed, and at
`connection_limit` the server stops accepting: some 900 such sockets take the
endpoint down. This module keeps waitress (its parser, event loop and worker
threads) and adds, by subclassing its server, channel, parser and error task:

* a deadline per request, counted from its first byte: a request whose headers
  and body have not all arrived `request_timeout` seconds after its first byte
  is answered 408 and its connection closed, however the bytes trickle in
  (blank lines between requests do not restart the clock);
* at the connection limit, a new connection is still accepted when some open
  connection has no complete request being answered: the one waiting longest
  (an unfinished request, or an idle keep-alive) is closed to make room, so
  clients that send a whole request promptly are not starved by ones that don't;
* a request with both Content-Length and Transfer-Encoding is refused (400) and
  its connection closed, as RFC 9112 section 6.1 asks, so nothing after it on
  the connection is read as a second request;
* waitress's own refusals (400, 408, 413, 431, 501, 500) are the endpoint's
  documented JSON, `{"error": ..., "status": N}`, and never echo what was sent;
* a response whose body comes in one piece of known length (every answer the
  app gives) is sent with its head in one send, not two (OneSend): the same
  bytes, one system call, one release of the interpreter lock and one TCP
  segment fewer per response.
"""

import functools
import logging
import time

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser, ParsingError
from waitress.server import MultiSocketServer, TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher, WSGITask

from . import refusals

log = logging.getLogger("msguide.web")

# What the endpoint says for each refusal waitress makes itself: fixed words,
# never the offending bytes (waitress's own texts quote a malformed header).
REFUSALS = {
    400: "malformed HTTP request",
    408: "request not complete in time",
    413: "request entity too large",
    431: "request header fields too large",
    500: "internal error",
    501: "transfer encoding not supported",
}
EVICTION_LOG_SECONDS = 60
ACCEPT_BATCH = 64          # connections accepted per wake-up of the listening socket


def refusal_body(status):
    return refusals.body(status, REFUSALS.get(status, "request refused"))


class OneSend:
    """A waitress task whose head goes out with the first piece of its body.

    waitress writes the head, then each piece of the body, each with its own
    send (from the worker thread, which gives up the interpreter lock for it).
    When the response's length is known (Content-Length, no chunking) and the
    first piece fits in it, head and piece are handed to the channel as one
    buffer; in every other case waitress's own write does the work."""

    def write(self, data):
        if self.wrote_header or not data or not self.complete:
            return super().write(data)
        head = self.build_response_header()        # may choose chunking or close
        cl = self.content_length
        if not self.has_body or self.chunked_response or cl is None or len(data) > cl:
            self.channel.write_soon(head)
            self.wrote_header = True
            return super().write(data)              # the body as waitress writes it
        self.channel.write_soon(head + data)
        self.wrote_header = True
        self.content_bytes_written += len(data)


class OneSendTask(OneSend, WSGITask):
    pass


class JsonErrorTask(OneSend, ErrorTask):
    """waitress's error reply (and connection close), as the endpoint's JSON."""

    def execute(self):
        code = self.request.error.code
        self.status = "%d %s" % (code, self.request.error.reason)
        self.response_headers.append(("Content-Type", "application/json"))
        self.set_close_on_finish()
        body = refusal_body(code)
        self.content_length = len(body)
        self.write(body)


class GuardedParser(HTTPRequestParser):
    """Tells its channel when a request's first byte arrives and when it is complete;
    refuses ambiguous framing."""

    def __init__(self, adj, channel=None):
        super().__init__(adj)
        self._channel = channel

    def received(self, data):
        if data and self._channel is not None:
            self._channel.request_begun()
        consumed = super().received(data)
        if self.completed and not self.empty and self._channel is not None:
            self._channel.request_complete()
        return consumed

    def parse_header(self, header_plus):
        super().parse_header(header_plus)
        # waitress reads such a request as chunked and keeps the connection open;
        # a front end that trusted Content-Length would see a different request.
        if "CONTENT_LENGTH" in self.headers and (self.chunked or "TRANSFER_ENCODING" in self.headers):
            raise ParsingError("both Content-Length and Transfer-Encoding")


class GuardedChannel(HTTPChannel):
    task_class = OneSendTask
    error_task_class = JsonErrorTask
    waiting_since = None     # time.time() of the first byte of a request not yet complete

    def __init__(self, server, sock, addr, adj, map=None):
        self.parser_class = functools.partial(GuardedParser, channel=self)
        super().__init__(server, sock, addr, adj, map=map)

    def request_begun(self):
        if self.waiting_since is None:
            self.waiting_since = time.time()

    def request_complete(self):
        self.waiting_since = None

    def idle_since(self):
        """When this connection started waiting for its client, or None while
        it is answering (a complete request queued or in service, output unsent)."""
        if self.requests or self.total_outbufs_len or self.will_close or self.close_when_flushed:
            return None
        return self.waiting_since if self.waiting_since is not None else self.last_activity

    def time_out(self):
        """Answer 408 and close: the request did not arrive within the deadline."""
        body = refusal_body(408)
        head = ("HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\n"
                "Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)).encode("ascii")
        with self.outbuf_lock:
            self.outbufs[-1].append(head + body)
            self.total_outbufs_len += len(head) + len(body)
        if self.request is not None:
            self.request.close()               # and its body buffer
        self.request = None
        self.waiting_since = None
        self.close_when_flushed = True


class GuardedServer(TcpWSGIServer):
    channel_class = GuardedChannel
    request_timeout = 10
    evicted = 0
    next_eviction_log = 0

    def maintenance(self, now):
        super().maintenance(now)            # waitress: idle connections past channel_timeout
        cutoff = now - self.request_timeout
        for channel in list(self.active_channels.values()):
            since = channel.waiting_since
            if since is not None and since < cutoff and channel.idle_since() is not None:
                channel.time_out()

    def _waiting_longest_first(self):
        """Connections waiting for their client, the one waiting longest last (to pop)."""
        waiting = [(since, channel) for channel in self.active_channels.values()
                   for since in (channel.idle_since(),) if since is not None]
        waiting.sort(key=lambda pair: pair[0], reverse=True)
        return [channel for _, channel in waiting]

    def readable(self):
        now = time.time()
        if now >= self.next_channel_cleanup:
            self.next_channel_cleanup = now + self.adj.cleanup_interval
            self.maintenance(now)
        if not self.accepting:
            return False
        if len(self._map) < self.adj.connection_limit:
            return True
        # At the limit: accept only if a connection can make room (see handle_accept);
        # when every one is answering a complete request, the backlog waits.
        return any(channel.idle_since() is not None for channel in self.active_channels.values())

    def handle_accept(self):
        """Accept what the backlog holds (up to ACCEPT_BATCH), so a prompt client waits
        behind few others; past the limit, each one admitted closes the connection
        waiting longest for its client."""
        evictable = None
        for _ in range(ACCEPT_BATCH):
            before = len(self._map)
            if before >= self.adj.connection_limit:
                if evictable is None:
                    evictable = self._waiting_longest_first()
                while evictable and evictable[-1].idle_since() is None:
                    evictable.pop()              # started answering since the list was made
                if not evictable:
                    return                       # every connection is answering: the backlog waits
            super().handle_accept()
            if len(self._map) == before:
                return                           # the backlog is empty
            if len(self._map) > self.adj.connection_limit:
                self._evict(evictable.pop())

    def _evict(self, channel):
        channel.handle_close()
        self.evicted += 1
        now = time.time()
        if now >= self.next_eviction_log:
            self.next_eviction_log = now + EVICTION_LOG_SECONDS
            log.warning("connection limit reached: closed the connection waiting longest for its "
                        "client to admit a new one (%d so far)", self.evicted)


def create_server(application, request_timeout=10, **settings):
    """waitress's create_server for TCP listeners, with GuardedServer."""
    adj = Adjustments(**settings)
    task_map = {}
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(adj.threads)
    servers = []
    for sockinfo in adj.listen:
        server = GuardedServer(application, task_map, dispatcher=dispatcher, adj=adj, sockinfo=sockinfo)
        server.request_timeout = request_timeout
        servers.append(server)
    if len(servers) == 1:
        return servers[0]
    return MultiSocketServer(task_map, adj, [(s.effective_host, s.effective_port) for s in servers],
                             dispatcher, servers[-1].log_info)
