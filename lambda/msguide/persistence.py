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
"""

import json
import os
import threading
import time

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

DEFAULT_DB_NAME = "msguide-memory.sqlite3"     # in the system temp folder
# Records expire 30 days after they were last written (DynamoDB's TTL
# attribute; SQLite prunes on write): the memory serves a conversation picked
# up days later, not a history. PRIVACY.md states the same figure (a test checks).
RETENTION_DAYS = 30
RETENTION_SECONDS = RETENTION_DAYS * 24 * 3600


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
    try:
        from _sha2 import sha256              # Python 3.12+ (Lambda's runtime)
    except ImportError:
        try:
            from _sha256 import sha256        # Python 3.11
        except ImportError:
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


class SQLiteAdapter(AbstractPersistenceAdapter):
    """One row per user in an SQLite file; safe across threads and processes.

    Each thread keeps its own connection (sqlite3 connections are not shared
    between threads), opened on its first use: opening one costs more than the
    read itself (0.48 ms against 0.02 ms here). Every write is one
    transaction; WAL mode lets readers proceed while a writer commits, and
    busy_timeout makes a second writer wait rather than fail.
    """

    def __init__(self, path):
        self.path = path
        self._ready = False
        self._lock = threading.Lock()
        self._local = threading.local()
        self._generation = 0         # a moved-aside file retires every thread's connection

    def _connection(self):
        local = self._local
        if getattr(local, "connection", None) is None or local.generation != self._generation:
            self._drop()
            local.connection, local.generation = self._open(), self._generation
        return local.connection

    def _drop(self):
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        if connection is not None:
            try:
                connection.close()
            except Exception:
                pass

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
        import logging
        moved = "%s.corrupt-%d" % (self.path, int(time.time()))
        with self._lock:
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(self.path + suffix):
                    os.replace(self.path + suffix, moved + suffix)
            self._ready = False
            self._generation += 1
        logging.getLogger("msguide").warning(
            "memory file was unreadable (%s): moved aside to %s, starting a new one",
            type(exc).__name__, moved)

    def _open(self):
        import sqlite3
        if not self._ready:
            os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            connection.execute("PRAGMA busy_timeout = 10000")
            # WAL with synchronous=NORMAL: commits are atomic and the file never
            # corrupts; a power cut may lose the very last write (a "last topic").
            connection.execute("PRAGMA synchronous = NORMAL")
            if not self._ready:
                with self._lock:
                    if not self._ready:
                        exists = connection.execute(
                            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'memory'").fetchone()
                        if not exists:   # WAL mode is kept in the file: set it once, with the table
                            connection.execute("PRAGMA journal_mode = WAL")
                            connection.execute(
                                "CREATE TABLE IF NOT EXISTS memory ("
                                " id TEXT PRIMARY KEY, data TEXT NOT NULL, expires REAL NOT NULL)")
                        self._ready = True
        except Exception:
            connection.close()
            raise
        return connection

    def get_attributes(self, request_envelope):
        key = user_key(request_envelope)
        row = self._with_connection(lambda connection: connection.execute(
            "SELECT data FROM memory WHERE id = ? AND expires > ?", (key, time.time())).fetchone())
        if not row:
            return {}
        try:
            data = json.loads(row[0])
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def save_attributes(self, request_envelope, attributes):
        key = user_key(request_envelope)
        data = json.dumps(attributes, separators=(",", ":"), sort_keys=True)

        def write(connection):
            connection.execute("BEGIN IMMEDIATE")
            try:
                connection.execute(
                    "INSERT INTO memory (id, data, expires) VALUES (?, ?, ?) "
                    "ON CONFLICT(id) DO UPDATE SET data = excluded.data, expires = excluded.expires",
                    (key, data, time.time() + RETENTION_SECONDS))
                connection.execute("DELETE FROM memory WHERE expires <= ?", (time.time(),))
                connection.execute("COMMIT")
            except Exception:
                connection.execute("ROLLBACK")
                raise
        self._with_connection(write)

    def delete_attributes(self, request_envelope):
        key = user_key(request_envelope)
        self._with_connection(lambda connection: connection.execute(
            "DELETE FROM memory WHERE id = ?", (key,)))

    def delete_account(self, request_envelope):
        """Erase the account's record and every recognised person's (skill disabled)."""
        account = account_key(request_envelope)
        self._with_connection(lambda connection: connection.execute(
            "DELETE FROM memory WHERE id = ? OR substr(id, 1, ?) = ?",
            (account, len(account) + 1, account + ".")))


# The item the SDK's DynamoDbAdapter writes (records written before still read),
# plus the attribute DynamoDB's time to live reads (infrastructure/ names it).
ID, ATTRIBUTES, TTL = "id", "attributes", "ttl"


class ExpiringDynamoDbAdapter(AbstractPersistenceAdapter):
    """One item per speaker in a DynamoDB table: {"id", "attributes", "ttl"}.

    The client is msguide.dynamodb's (the standard library: about 5 ms on a
    cold container) where it knows the environment, Lambda's included, else
    boto3's low-level client (about 280 ms to import and build); either is
    made on the first request that needs memory, once per process, under a
    lock. `warm()` does that now (a SnapStart init), `renew()` after a restore.
    Tests may pass a boto3 `dynamodb_resource` or a `client`.
    """

    def __init__(self, table_name, dynamodb_resource=None, client=None):
        self.table_name = table_name
        if client is None and dynamodb_resource is not None:
            client = dynamodb_resource.meta.client
        self._client = client
        self._lock = threading.Lock()

    @property
    def client(self):
        if self._client is None:
            with self._lock:
                if self._client is None:
                    from .dynamodb import client
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
            code = getattr(exc, "response", {}).get("Error", {}).get("Code") or type(exc).__name__
            raise PersistenceException("DynamoDB %s failed: %s" % (operation, code)) from None

    def get_attributes(self, request_envelope):
        item = self._call("get_item", Key={ID: {"S": user_key(request_envelope)}},
                          ConsistentRead=True).get("Item") or {}
        from .dynamodb import deserialize
        try:
            expires = deserialize(item[TTL]) if TTL in item else None
            attributes = deserialize(item[ATTRIBUTES]) if ATTRIBUTES in item else {}
        except (ValueError, TypeError, AttributeError):
            return {}
        if isinstance(expires, (int, float)) and expires <= time.time():
            return {}                # DynamoDB deletes expired items within days, not at once
        return attributes if isinstance(attributes, dict) else {}

    def save_attributes(self, request_envelope, attributes):
        from .dynamodb import serialize
        self._call("put_item", Item={ID: {"S": user_key(request_envelope)}, ATTRIBUTES: serialize(attributes),
                                     TTL: {"N": str(int(time.time() + RETENTION_SECONDS))}})

    def delete_attributes(self, request_envelope):
        self._call("delete_item", Key={ID: {"S": user_key(request_envelope)}})

    def delete_account(self, request_envelope):
        """Erase the account's record and every recognised person's (skill disabled).

        Person records share the account hash as a prefix of their key; finding
        them is a filtered scan, paid only when a user disables the skill.
        """
        account = account_key(request_envelope)
        self._call("delete_item", Key={ID: {"S": account}})
        params = {"FilterExpression": "begins_with(#id, :person)", "ProjectionExpression": "#id",
                  "ExpressionAttributeNames": {"#id": ID},
                  "ExpressionAttributeValues": {":person": {"S": account + "."}}}
        while True:
            page = self._call("scan", **params)
            for item in page.get("Items", []):
                self._call("delete_item", Key={ID: item[ID]})
            if "LastEvaluatedKey" not in page:
                break
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


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
