"""Where the skill remembers its users: the SDK's persistence-adapter interface.

Chosen by configuration (environment variables):

    MSGUIDE_PERSISTENCE=sqlite    (default) an SQLite file, standard library only,
                                  at MSGUIDE_DB (default: msguide-memory.sqlite3
                                  in the system temp folder)
    MSGUIDE_PERSISTENCE=dynamodb  a DynamoDB table, MSGUIDE_TABLE (what
                                  infrastructure/ sets on Lambda), through
                                  msguide.dynamodb (or boto3 off Lambda)
    MSGUIDE_PERSISTENCE=none      remember nothing between sessions

Records are keyed by who is speaking, hashed (SHA-256) before it is stored:
the Alexa account (user id) and, when Alexa recognises the speaker's voice,
the person (context.System.person.personId), so two people sharing one
speaker keep separate memories. A person's key starts with the account's
hash, so disabling the skill erases every record of the account at once.
The value is the small validated memory of msguide.memory, nothing else.

Two devices of one account may write at once, in one process or many (Lambda
containers). A save never writes back the record as it was read: it applies
only its request's changes (msguide.memory) to what is stored now, with
optimistic versioning: every record has a `version`, a write is conditional
on the version it was computed from (SQLite `UPDATE ... WHERE version = ?`,
DynamoDB `ConditionExpression`), and a write that finds the record changed
re-reads it and applies the changes again. An erase leaves an erase marker (no
content, just the key, the version and when the erase happened, `erased`) for
ERASE_MARKER_SECONDS: a save computed from anything read before the erase is
dropped, so nothing older comes back, even from a request in flight on the
other device.
"""

import itertools
import json
import os
import threading
import time

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

from .logs import logger  # logging is imported only when something is logged

DEFAULT_DB_NAME = "msguide-memory.sqlite3"     # in the system temp folder
# Records expire 30 days after they were last written (DynamoDB's TTL
# attribute; SQLite prunes on write): the memory serves a conversation picked
# up days later, not a history. PRIVACY.md states the same figure (a test checks).
RETENTION_DAYS = 30
RETENTION_SECONDS = RETENTION_DAYS * 24 * 3600
# An erase marker outlives any request that could have read the record before
# the erase (Alexa waits 8 s; a write waiting for SQLite's lock gives up after
# GIVE_UP_SECONDS); then it is deleted too. PRIVACY.md states it (a test checks).
ERASE_MARKER_MINUTES = 10
ERASE_MARKER_SECONDS = ERASE_MARKER_MINUTES * 60
# SQLite: a request's write waits at most this long for the write lock, well
# inside Alexa's 8 s; then it is retried in the background (and logged), and
# the answer is spoken on time. An erase the user is waiting to hear about
# waits longer, and fails (spoken as an apology) rather than pretend.
WRITE_WAIT_SECONDS = 0.25
ERASE_WAIT_SECONDS = 2.0
BACKGROUND_WAIT_SECONDS = 1.0
GIVE_UP_SECONDS = 120
PRUNE_EVERY_SECONDS = 60          # expired records and markers leave the file within this
PRUNE_BATCH = 500
MAX_TRIES = 20                    # re-reads of a record that keeps changing under a save

WRITTEN, OUTDATED, WAITING = "written", "outdated", "waiting"


def _hash(text):
    global _sha256
    if _sha256 is None:
        _sha256 = _builtin_sha256()
    return _sha256(text.encode("utf-8")).hexdigest()


_sha256 = None


def _builtin_sha256():
    """SHA-256 without loading OpenSSL (hashlib's import costs ~1.5 ms of a cold
    start): CPython's own implementation, which hashlib itself falls back to.
    Looked up once (a failed import is searched for again every time)."""
    import sys
    names = ("_sha2", "_sha256") if sys.version_info >= (3, 12) else ("_sha256", "_sha2")
    for name in names:         # _sha2 from Python 3.12 (Lambda's runtime), _sha256 before
        try:
            return __import__(name).sha256
        except ImportError:     # a failed import costs a search of sys.path: the likely one first
            pass
    from hashlib import sha256
    return sha256


def _system(request_envelope):
    return getattr(getattr(request_envelope, "context", None), "system", None)


def account_key(request_envelope):
    """The hash of the Alexa account (user id); every key of the account starts with it."""
    user_id = getattr(getattr(_system(request_envelope), "user", None), "user_id", None)
    if not isinstance(user_id, str) or not user_id:
        raise PersistenceException("request has no user id")
    return _hash(user_id)


def person_id(request_envelope):
    """The recognised speaker's id, or None when Alexa did not recognise a voice."""
    person = getattr(getattr(_system(request_envelope), "person", None), "person_id", None)
    return person if isinstance(person, str) and person else None


def user_key(request_envelope):
    """The storage key for whoever is speaking: account hash, plus '.' and the
    person's hash when Alexa recognised the speaker."""
    account = account_key(request_envelope)
    person = person_id(request_envelope)
    return account if person is None else "%s.%s" % (account, _hash(person))


class Stored:
    """What is stored under a key now: the record (empty when expired or erased),
    its version, the version its last erase made (0: never erased) and whether
    it is still within its expiry time."""

    __slots__ = ("data", "version", "erased", "live")

    def __init__(self, data, version, erased, live):
        self.data, self.version, self.erased, self.live = data, version, erased, live


def outdated(read, stored):
    """True when a save computed from version `read` must be dropped: the record
    was erased after it was read. `read` None: the request could not read the
    record, so only an erase marker still standing stops it."""
    if read is None:
        return stored is not None and stored.live and stored.erased == stored.version
    if stored is None:
        return read > 0           # what it read is gone (erased, and the marker expired)
    return stored.erased > read or stored.version < read


class Job:
    """One save (or a whole-account erase) of one key: `change(stored) -> record`
    applied to what is stored, conditional on the version; `as_read` (what the
    request read at version `read`) spares the first re-read."""

    __slots__ = ("key", "read", "change", "as_read", "force", "erase", "since")

    def __init__(self, key, read, change=None, as_read=None, force=False, erase=False):
        self.key, self.read, self.change, self.as_read = key, read, change, as_read
        self.force, self.erase, self.since = force, erase, time.monotonic()

    def first_try(self):
        """(version, record) to try first, or (None, None) to read the store first."""
        if self.read is None or self.as_read is None or self.force:
            return None, None
        return self.read, self.as_read


def _dumped(data):
    return json.dumps(data, separators=(",", ":"), sort_keys=True)


def _parsed(text):
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


class _Background:
    """One daemon thread per process for the SQLite stores' deferred work:
    writes that waited too long for the lock, scheduled prunes, checkpoints.
    Adapters are held weakly: a store nobody uses any more has no tasks."""

    def __init__(self):
        self._wake = threading.Condition()
        self._tasks = []
        self._order = itertools.count()
        self._thread = None

    def at(self, delay, adapter, task):
        """Run adapter.<task>() in `delay` seconds, on the background thread."""
        import heapq  # with weakref, only once something is deferred: not on a cold launch
        import weakref
        with self._wake:
            heapq.heappush(self._tasks, (time.monotonic() + max(0.0, delay), next(self._order),
                                         weakref.ref(adapter), task))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="msguide-memory", daemon=True)
                self._thread.start()
            self._wake.notify()

    def _run(self):
        import heapq
        while True:
            with self._wake:
                while not self._tasks or self._tasks[0][0] > time.monotonic():
                    self._wake.wait(self._tasks[0][0] - time.monotonic() if self._tasks else None)
                _when, _order, ref, task = heapq.heappop(self._tasks)
            adapter = ref()
            if adapter is not None:
                try:
                    getattr(adapter, task)()
                except Exception as exc:          # never let one store's trouble stop the others'
                    logger().error("memory background %s failed: %s", task, type(exc).__name__)
            del adapter


_background = _Background()


def _locked(exc):
    import sqlite3
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc))


_MARK = ("INSERT INTO memory (id, data, expires, version, erased) VALUES (?, '{}', ?, 1, 1) "
         "ON CONFLICT(id) DO UPDATE SET data = '{}', expires = excluded.expires, "
         "version = memory.version + 1, erased = memory.version + 1")


class SQLiteAdapter(AbstractPersistenceAdapter):
    """One row per user in an SQLite file; safe across threads and processes.

    Each thread keeps its own connection (sqlite3 connections are not shared
    between threads), opened on its first use: opening one costs more than the
    read itself (0.48 ms against 0.02 ms here). WAL mode lets readers proceed
    while a writer commits. Every write is one conditional statement on the
    record's version, waiting at most WRITE_WAIT_SECONDS for the lock; one that
    cannot get it waits in the background instead, behind nothing but earlier
    writes of the same record. Erased bytes do not stay in the files:
    secure_delete zeroes deleted content and an erase empties the write-ahead
    log into the file at once. Expired records and erase markers are pruned on
    a schedule through an index on the expiry time, never by a table scan in a
    request. A file deleted or replaced under the running process is noticed
    (its inode changes) and made again, with a warning.
    """

    def __init__(self, path, erase_marker_seconds=ERASE_MARKER_SECONDS):
        self.path = path
        self.erase_marker_seconds = erase_marker_seconds
        self._ready = False
        self._lock = threading.Lock()
        self._local = threading.local()
        self._generation = 0         # a moved-aside or vanished file retires every thread's connection
        self._made_in = None         # (device, inode) of the file the table was made or found in
        self._waiting = {}           # key -> [Job]: writes waiting for the lock, oldest first
        self._prune_at = None        # when the next prune is scheduled (monotonic), if it is

    # ------------------------------------------------------------ connections

    def _connection(self):
        local = self._local
        connection = getattr(local, "connection", None)
        if connection is None or local.generation != self._generation or self._file_gone(local):
            self._drop()
            connection = self._open()
            local.connection, local.generation, local.wait = connection, self._generation, WRITE_WAIT_SECONDS
            local.identity = self._identity()
        return connection

    def _identity(self):
        try:
            found = os.stat(self.path)
        except OSError:
            return None
        return found.st_dev, found.st_ino

    def _file_gone(self, local):
        """True when the file this thread's connection has open is no longer the
        one at the path (deleted, or replaced): writes to it would be lost."""
        if self._identity() == local.identity:
            return False
        with self._lock:
            if local.generation == self._generation:
                self._replaced()
        return True

    def _replaced(self):
        """(Under the lock.) Retire every connection to a file that is gone, and say so."""
        self._generation += 1
        self._ready = False
        logger().warning("memory file was deleted or replaced under the running process: "
                    "making it again at %s", self.path)

    def _drop(self):
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        if connection is not None:
            try:
                connection.close()
            except Exception:
                pass

    def _wait(self, connection, seconds):
        """Let this thread's connection wait at most `seconds` for a lock."""
        if self._local.wait != seconds:
            connection.execute("PRAGMA busy_timeout = %d" % int(seconds * 1000))
            self._local.wait = seconds

    def _with_connection(self, work):
        """work(connection) on this thread's connection. A file that is not a
        readable database is moved aside (with a warning) and the work done once
        more on a new, empty one: one user's memory is lost, not every user's
        service. Any other database error closes the connection (the next call
        opens a fresh one) and is raised."""
        import sqlite3
        for attempt in (1, 2):
            try:
                return work(self._connection())
            except sqlite3.DatabaseError as exc:
                self._drop()
                corrupt = not isinstance(exc, sqlite3.OperationalError)  # locked, full: not corruption
                if not corrupt or attempt == 2:
                    raise
                self._move_aside(exc)

    def _move_aside(self, exc):
        moved = "%s.corrupt-%d" % (self.path, int(time.time()))
        with self._lock:
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(self.path + suffix):
                    os.replace(self.path + suffix, moved + suffix)
            self._ready = False
            self._generation += 1
        logger().warning("memory file was unreadable (%s): moved aside to %s, starting a new one",
                    type(exc).__name__, moved)

    def _open(self):
        import sqlite3
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=WRITE_WAIT_SECONDS, isolation_level=None)
        try:
            # WAL with synchronous=NORMAL: commits are atomic and the file never
            # corrupts; a power cut may lose the very last write (a "last topic").
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute("PRAGMA secure_delete = ON")     # deleted content is zeroed, not left
            identity = self._identity()
            if not self._ready or identity != self._made_in:
                with self._lock:
                    if self._ready and identity != self._made_in:   # a thread's first open found it gone
                        self._replaced()
                    if not self._ready:
                        self._make_table(connection)
                        self._made_in, self._ready = identity, True
        except Exception:
            connection.close()
            raise
        return connection

    def _make_table(self, connection):
        """The table and its expiry index; a file from before versions gains them
        (and is vacuumed once, so what its earlier deletes left is gone too)."""
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        if "memory_expires" in names:          # made by this version: nothing to write (no lock to wait for)
            return
        connection.execute("PRAGMA busy_timeout = %d" % int(ERASE_WAIT_SECONDS * 1000))
        if "memory" not in names:
            connection.execute("PRAGMA journal_mode = WAL")   # kept in the file: set once, with the table
        connection.execute("BEGIN IMMEDIATE")
        try:
            columns = [row[1] for row in connection.execute("PRAGMA table_info(memory)")]
            if not columns:
                connection.execute(
                    "CREATE TABLE memory (id TEXT PRIMARY KEY, data TEXT NOT NULL, expires REAL NOT NULL,"
                    " version INTEGER NOT NULL DEFAULT 1, erased INTEGER NOT NULL DEFAULT 0)")
            older = bool(columns) and "version" not in columns
            if older:
                connection.execute("ALTER TABLE memory ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
                connection.execute("ALTER TABLE memory ADD COLUMN erased INTEGER NOT NULL DEFAULT 0")
            connection.execute("CREATE INDEX IF NOT EXISTS memory_expires ON memory (expires)")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        if older:
            connection.execute("VACUUM")
        connection.execute("PRAGMA busy_timeout = %d" % int(WRITE_WAIT_SECONDS * 1000))

    # ------------------------------------------------------------ reading

    @staticmethod
    def _stored(connection, key):
        row = connection.execute(
            "SELECT data, version, erased, expires FROM memory WHERE id = ?", (key,)).fetchone()
        if row is None:
            return None
        live = row[3] > time.time()
        return Stored(_parsed(row[0]) if live else {}, row[1], row[2], live)

    def read(self, request_envelope):
        """(record, version) of whoever is speaking; ({}, 0) when nothing is stored."""
        key = user_key(request_envelope)
        stored = self._with_connection(lambda connection: self._stored(connection, key))
        return (stored.data, stored.version) if stored is not None else ({}, 0)

    def get_attributes(self, request_envelope):
        return self.read(request_envelope)[0]

    # ------------------------------------------------------------ writing

    def update(self, request_envelope, read, change, as_read=None):
        """Store change(what is stored now) for whoever is speaking, unless the
        record was erased after version `read` was read: WRITTEN, OUTDATED, or
        WAITING (the lock was busy: it is retried in the background)."""
        return self._run(Job(user_key(request_envelope), read, change, as_read))

    def save_attributes(self, request_envelope, attributes):
        """The SDK's interface: store exactly `attributes`, whatever is there."""
        self._run(Job(user_key(request_envelope), None, lambda _stored: attributes, force=True))

    def _run(self, job, wait=WRITE_WAIT_SECONDS):
        with self._lock:
            if job.key in self._waiting:     # an earlier write of this record waits: keep the order
                self._waiting[job.key].append(job)
                return WAITING
        try:
            return self._with_connection(lambda connection: self._do(connection, job, wait))
        except Exception as exc:
            if not _locked(exc):
                raise
        with self._lock:
            self._waiting.setdefault(job.key, []).append(job)
        logger().warning("memory write waits in the background: the store's write lock was not free "
                    "within %.2f s", wait)
        _background.at(0.05, self, "_drain")
        return WAITING

    def _do(self, connection, job, wait):
        self._wait(connection, wait)
        return self._erase_now(connection, job.key, whole_account=True) if job.erase \
            else self._write(connection, job)

    def _write(self, connection, job):
        expected, data = job.first_try()
        for _ in range(MAX_TRIES):
            if data is None:
                stored = self._stored(connection, job.key)
                if not job.force and outdated(job.read, stored):
                    return OUTDATED
                expected, data = (stored.version, stored.data) if stored is not None else (0, {})
            text, expires = _dumped(job.change(data)), time.time() + RETENTION_SECONDS
            if expected == 0:
                cursor = connection.execute(
                    "INSERT OR IGNORE INTO memory (id, data, expires, version, erased) VALUES (?, ?, ?, 1, 0)",
                    (job.key, text, expires))
            else:
                cursor = connection.execute(
                    "UPDATE memory SET data = ?, expires = ?, version = version + 1 WHERE id = ? AND version = ?",
                    (text, expires, job.key, expected))
            if cursor.rowcount == 1:
                self._prune_in(PRUNE_EVERY_SECONDS)
                return WRITTEN
            data = None                  # changed since it was read: read again, apply again
        raise PersistenceException("the record changed %d times while it was being saved" % MAX_TRIES)

    def _drain(self):
        """Background: the writes that waited for the lock, oldest first per
        record; each is retried until GIVE_UP_SECONDS, then dropped (logged)."""
        with self._lock:
            keys = list(self._waiting)
        for key in keys:
            while True:
                with self._lock:
                    jobs = self._waiting.get(key)
                    if not jobs:
                        self._waiting.pop(key, None)
                        break
                    job = jobs[0]
                try:
                    outcome = self._with_connection(
                        lambda connection: self._do(connection, job, BACKGROUND_WAIT_SECONDS))  # noqa: B023 - called now
                except Exception as exc:
                    waited = time.monotonic() - job.since
                    if _locked(exc) and waited < GIVE_UP_SECONDS:
                        _background.at(0.5, self, "_drain")
                        return
                    logger().error("memory write dropped after %.0f s in the background: %s",
                              waited, type(exc).__name__)
                else:
                    logger().info("memory write done after %.1f s in the background (%s)",
                             time.monotonic() - job.since, outcome)
                    if job.erase:
                        self._erased()
                with self._lock:
                    self._waiting[key].pop(0)

    # ------------------------------------------------------------ erasing

    def erase(self, request_envelope):
        """Erase the speaker's record now ("forget me"); raises if the store is
        busy past ERASE_WAIT_SECONDS, so the user never hears "erased" falsely."""
        key = user_key(request_envelope)

        def work(connection):
            self._wait(connection, ERASE_WAIT_SECONDS)
            return self._erase_now(connection, key, whole_account=False)
        self._with_connection(work)
        self._erased()

    def delete_attributes(self, request_envelope):
        self.erase(request_envelope)

    def erase_account(self, request_envelope):
        """Erase the account's record and every recognised person's (skill
        disabled). Nobody waits to hear it: a busy store retries in the background."""
        if self._run(Job(account_key(request_envelope), None, erase=True), ERASE_WAIT_SECONDS) != WAITING:
            self._erased()

    def _erase_now(self, connection, key, whole_account):
        """Replace the record (and, for an account, each of its people's) by an
        erase marker, in one transaction."""
        connection.execute("BEGIN IMMEDIATE")
        try:
            keys = [key]
            if whole_account:        # person keys are "<account>.<person>": a range of the primary key
                keys += [row[0] for row in connection.execute(
                    "SELECT id FROM memory WHERE id > ? AND id < ?", (key + ".", key + "/"))]
            expires = time.time() + self.erase_marker_seconds
            connection.executemany(_MARK, [(each, expires) for each in keys])
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return WRITTEN

    def _erased(self):
        self._checkpoint()
        self._prune_in(self.erase_marker_seconds + 1, sooner=True)

    def _checkpoint(self):
        """Copy the write-ahead log into the file and empty it: with secure_delete,
        erased bytes are then in neither file. Retried while a reader holds it."""
        def work(connection):
            self._wait(connection, WRITE_WAIT_SECONDS)
            return connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        try:
            busy = self._with_connection(work)
        except Exception as exc:
            if not _locked(exc):
                raise
            busy = 1
        if busy:
            _background.at(1.0, self, "_checkpoint")

    # ------------------------------------------------------------ pruning

    def _prune_in(self, seconds, sooner=False):
        when = time.monotonic() + seconds
        with self._lock:
            if self._prune_at is not None and not (sooner and when < self._prune_at):
                return
            self._prune_at = when if self._prune_at is None else min(when, self._prune_at)
        _background.at(seconds, self, "_prune")

    def _prune(self):
        """Background: delete expired records and erase markers through the expiry
        index (a batch at a time), empty the log if any went, and schedule the
        next prune for the next expiry (at least PRUNE_EVERY_SECONDS away)."""
        with self._lock:
            self._prune_at = None

        def work(connection):
            self._wait(connection, BACKGROUND_WAIT_SECONDS)
            deleted = connection.execute(
                "DELETE FROM memory WHERE rowid IN (SELECT rowid FROM memory WHERE expires <= ? LIMIT ?)",
                (time.time(), PRUNE_BATCH)).rowcount
            (soonest,) = connection.execute("SELECT MIN(expires) FROM memory").fetchone()
            return deleted, soonest
        try:
            deleted, soonest = self._with_connection(work)
        except Exception as exc:
            if not _locked(exc):
                raise
            self._prune_in(5)
            return
        if deleted:
            self._checkpoint()
        if deleted == PRUNE_BATCH:
            self._prune_in(0)
        elif soonest is not None:
            self._prune_in(max(PRUNE_EVERY_SECONDS, soonest - time.time() + 1))


# The item the SDK's DynamoDbAdapter writes (records written before still read),
# plus the attribute DynamoDB's time to live reads (infrastructure/ names it).
ID, ATTRIBUTES, TTL = "id", "attributes", "ttl"


class ExpiringDynamoDbAdapter(AbstractPersistenceAdapter):
    """One item per speaker in a DynamoDB table, with a `ttl` attribute DynamoDB
    expires them by.

    Items keep the SDK DynamoDbAdapter's layout ("id", and the record under
    "attributes"), so records it wrote are read, plus "version", "erased" and
    "ttl". Reads are strongly consistent; every write is one PutItem whose
    ConditionExpression names the version it was computed from, re-read and
    re-applied when another container changed the record first; an erase is one
    UpdateItem that leaves a marker no stale save can pass. An item past its ttl
    reads as nothing, whether or not DynamoDB has deleted it yet.

    The client is msguide.dynamodb's (the standard library: about 5 ms on a
    cold container) where it knows the environment, Lambda's included, else
    boto3's low-level client (about 280 ms to import and build); either is
    made on the first request that needs memory, once per process, under a
    lock. `warm()` does that now (a SnapStart init), `renew()` after a restore.
    Tests pass a `client` (this module's, or boto3's low-level one; not a
    resource's, whose client turns plain values into DynamoDB's by itself).
    """

    NAMES = {"#a": ATTRIBUTES, "#v": "version", "#e": "erased", "#t": TTL}

    def __init__(self, table_name, client=None,
                 erase_marker_seconds=ERASE_MARKER_SECONDS):
        self.table_name = table_name
        self.erase_marker_seconds = erase_marker_seconds
        self._client = client
        self._lock = threading.Lock()

    @property
    def client(self):
        if self._client is None:
            with self._lock:
                if self._client is None:
                    from .dynamodb import client  # lazy: 4.7 ms of a cold start without DynamoDB (measured)
                    self._client = client()
        return self._client

    def warm(self):
        getattr(self.client, "warm", lambda: None)()

    def renew(self):
        if self._client is not None:
            getattr(self._client, "forget_connections", lambda: None)()

    def _call(self, operation, **params):
        try:
            return getattr(self.client, operation)(TableName=self.table_name, **params)
        except Exception as exc:
            code = _error_code(exc)
            raise PersistenceException("DynamoDB %s failed: %s" % (operation, code)) from None

    # ------------------------------------------------------------ reading

    def _stored(self, key):
        from .dynamodb import deserialize  # lazy: 4.7 ms of a cold start without DynamoDB (measured)
        item = self._call("get_item", Key={ID: {"S": key}}, ConsistentRead=True).get("Item")
        if not item:
            return None
        try:
            expires = deserialize(item[TTL]) if TTL in item else None
            data = deserialize(item[ATTRIBUTES]) if ATTRIBUTES in item else {}
            version = int(deserialize(item["version"])) if "version" in item else 0
            erased = int(deserialize(item["erased"])) if "erased" in item else 0
        except (ValueError, TypeError, AttributeError):
            return Stored({}, 0, 0, False)
        live = not (isinstance(expires, (int, float)) and expires <= time.time())
        return Stored(data if live and isinstance(data, dict) else {}, version, erased, live)

    def read(self, request_envelope):
        """(record, version) of whoever is speaking; ({}, 0) when nothing is stored."""
        stored = self._stored(user_key(request_envelope))
        return (stored.data, stored.version) if stored is not None else ({}, 0)

    def get_attributes(self, request_envelope):
        return self.read(request_envelope)[0]

    # ------------------------------------------------------------ writing

    def update(self, request_envelope, read, change, as_read=None):
        """As SQLiteAdapter.update (DynamoDB has no lock to wait for)."""
        return self._write(Job(user_key(request_envelope), read, change, as_read))

    def save_attributes(self, request_envelope, attributes):
        self._write(Job(user_key(request_envelope), None, lambda _stored: attributes, force=True))

    def _write(self, job):
        from .dynamodb import serialize  # lazy: 4.7 ms of a cold start without DynamoDB (measured)
        expected, data = job.first_try()
        for _ in range(MAX_TRIES):
            if data is None:
                stored = self._stored(job.key)
                if not job.force and outdated(job.read, stored):
                    return OUTDATED
                expected, data = (stored.version, stored.data) if stored is not None else (0, {})
            item = {ID: {"S": job.key}, ATTRIBUTES: serialize(job.change(data)),
                    "version": {"N": str(expected + 1)}, "erased": {"N": "0"},
                    TTL: {"N": str(int(time.time() + RETENTION_SECONDS))}}
            if expected:
                condition, values = "#v = :x", {":x": {"N": str(expected)}}
            else:                        # nothing stored, or an item the SDK adapter wrote
                condition, values = "attribute_not_exists(#v)", None
            params = {"Item": item, "ConditionExpression": condition, "ExpressionAttributeNames": {"#v": "version"}}
            if values:
                params["ExpressionAttributeValues"] = values
            try:
                self.client.put_item(TableName=self.table_name, **params)
                return WRITTEN
            except Exception as exc:
                if _error_code(exc) != "ConditionalCheckFailedException":
                    raise PersistenceException("DynamoDB put_item failed: %s" % _error_code(exc)) from None
            data = None                  # changed since it was read: read again, apply again
        raise PersistenceException("the record changed %d times while it was being saved" % MAX_TRIES)

    # ------------------------------------------------------------ erasing

    def _mark(self, key):
        """Replace the item by an erase marker, atomically (one UpdateItem: every
        reference to version in it is to the version before)."""
        self._call("update_item", Key={ID: {"S": key}},
                   UpdateExpression="SET #a = :empty, #v = if_not_exists(#v, :zero) + :one, "
                                    "#e = if_not_exists(#v, :zero) + :one, #t = :t",
                   ExpressionAttributeNames=self.NAMES,
                   ExpressionAttributeValues={":empty": {"M": {}}, ":zero": {"N": "0"}, ":one": {"N": "1"},
                                              ":t": {"N": str(int(time.time() + self.erase_marker_seconds))}})

    def erase(self, request_envelope):
        self._mark(user_key(request_envelope))

    def delete_attributes(self, request_envelope):
        self.erase(request_envelope)

    def erase_account(self, request_envelope):
        """Erase the account's record and every recognised person's (skill disabled).

        Person records share the account hash as a prefix of their key; finding
        them is a filtered scan, paid only when a user disables the skill.
        """
        account = account_key(request_envelope)
        self._mark(account)
        params = {"FilterExpression": "begins_with(#id, :person)", "ProjectionExpression": "#id",
                  "ExpressionAttributeNames": {"#id": ID},
                  "ExpressionAttributeValues": {":person": {"S": account + "."}}}
        while True:
            page = self._call("scan", **params)
            for item in page.get("Items", []):
                self._mark(item[ID]["S"])
            if "LastEvaluatedKey" not in page:
                break
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _error_code(exc):
    return (getattr(exc, "response", None) or {}).get("Error", {}).get("Code") or type(exc).__name__


def from_environment(environ=None):
    """The adapter the configuration asks for, or None for no memory."""
    env = os.environ if environ is None else environ
    kind = env.get("MSGUIDE_PERSISTENCE", "sqlite").strip().lower()
    if kind in ("none", "off", ""):
        return None
    if kind == "sqlite":
        path = env.get("MSGUIDE_DB")
        if not path:
            import tempfile
            path = os.path.join(tempfile.gettempdir(), DEFAULT_DB_NAME)
        return SQLiteAdapter(path)
    if kind == "dynamodb":
        table = env.get("MSGUIDE_TABLE")
        if not table:
            raise ValueError("MSGUIDE_PERSISTENCE=dynamodb needs MSGUIDE_TABLE")
        return ExpiringDynamoDbAdapter(table)
    raise ValueError("MSGUIDE_PERSISTENCE must be sqlite, dynamodb or none, not %r" % kind)
