"""The plan: what to remind, and when, as data.

Pure functions, no I/O: the handlers in handlers/reminders.py read slots and
speak, msguide.reminders.api calls the Alexa APIs; this module turns slot
values into a Plan, and a Plan and the device's local time into a schedule
and its words. Reminder texts come from the content (topic.reminder).
"""

import datetime
import re

from ..content import LazyPattern, default_content

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# AMAZON.TIME sends these for "morning", "afternoon", "evening", "night".
TIME_OF_DAY = {"MO": (9, 0), "AF": (14, 0), "EV": (18, 0), "NI": (20, 0)}
DEFAULT_TIME = (10, 0)


class PlanError(ValueError):
    """A plan that cannot be scheduled (a time already past, say)."""


OWN = "own:"                       # a task in the user's own words: "own:call the therapist"
_OWN_WORDS = LazyPattern(r"^[a-z0-9']+( [a-z0-9']+){0,11}$")
_SECOND_PERSON = {"my": "your", "me": "you", "i": "you", "mine": "yours", "myself": "yourself",
                  "i'm": "you're", "i've": "you've", "i'll": "you'll", "our": "your", "us": "you"}
REMINDER_TEXT = "This is your reminder to %s."


def own_task(words):
    """'Call the Therapist!' -> 'own:call the therapist', or None if the words
    are not a short plain task (letters, digits, apostrophes; at most 60 characters)."""
    if not isinstance(words, str):
        return None
    cleaned = " ".join(re.sub(r"[^a-z0-9' ]", " ", words.lower().replace("\u2019", "'")).split())
    cleaned = re.sub(r"^(to|about) ", "", cleaned)
    if not (2 <= len(cleaned) <= 60 and _OWN_WORDS.match(cleaned)):
        return None
    return OWN + cleaned


def known_task(task):
    if not isinstance(task, str):
        return False
    if task.startswith(OWN):
        return own_task(task[len(OWN):]) == task
    return task in default_content().reminder_topics


def reminder_of(task):
    """{"say": words after "remind you to", "text": what Alexa says when it fires}."""
    if task.startswith(OWN):
        say = " ".join(_SECOND_PERSON.get(word, word) for word in task[len(OWN):].split())
        return {"task": task, "say": say, "text": REMINDER_TEXT % say}
    return default_content().reminder_topics[task].reminder


REPEATS = ("weekly", "daily", "weekdays")
MAX_AFTER_SECONDS = 366 * 24 * 3600


class Plan:
    """A reminder the user asked for, before it has a concrete time.
    (Not a dataclass: see render.Say.)"""

    __slots__ = ("task", "repeat", "weekday", "date", "time", "after", "vague")

    def __init__(self, task: str | None, repeat: str | None = None, weekday: int | None = None,
                 date: str | None = None, time: tuple | None = None, after: int | None = None,
                 vague: bool = False):
        self.task = task            # content reminder task value, or "own:<words>"
        self.repeat = repeat        # None (once), "weekly", "daily" or "weekdays"
        self.weekday = weekday      # 0..6 or None
        self.date = date            # "YYYY-MM-DD" or None
        self.time = time            # (hour, minute) or None
        self.after = after          # seconds from now ("in two hours"), or None
        self.vague = vague          # a day was said but is not one day ("in December", "now")

    def to_dict(self) -> dict:
        return {"task": self.task, "repeat": self.repeat, "weekday": self.weekday,
                "date": self.date, "time": list(self.time) if self.time else None,
                "after": self.after}


_DAY = LazyPattern(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(value):
    """A full AMAZON.DATE value as 'YYYY-MM-DD'; anything vaguer ('2026-12', a
    week '2026-W50' that Python would read as its Monday, 'PRESENT_REF') is None."""
    if not isinstance(value, str) or not _DAY.match(value):
        return None
    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        return None


def parse_time(value):
    """AMAZON.TIME ('14:30', 'MO', 'EV'...) as (hour, minute), or None."""
    if not isinstance(value, str):
        return None
    if value in TIME_OF_DAY:
        return TIME_OF_DAY[value]
    try:
        parsed = datetime.time.fromisoformat(value)
    except ValueError:
        return None
    return parsed.hour, parsed.minute


# At most 7 digits a field (ten million minutes is 19 years): a longer number
# is no duration a person said, and int() of 4,300+ digits raises ValueError.
_DURATION = LazyPattern(r"^P(?:(\d{1,7})D)?(?:T(?:(\d{1,7})H)?(?:(\d{1,7})M)?(?:(\d{1,7})S)?)?$")


def parse_duration(value):
    """AMAZON.DURATION ('PT2H', 'PT30M', 'P1D') as seconds, or None."""
    match = _DURATION.match(value) if isinstance(value, str) and value != "P" else None
    if not match or not any(match.groups()):
        return None
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    total = ((days * 24 + hours) * 60 + minutes) * 60 + seconds
    return total if 60 <= total <= MAX_AFTER_SECONDS else None


def parse_weekday(value):
    if isinstance(value, str) and value.lower() in WEEKDAYS:
        return WEEKDAYS.index(value.lower())
    return None


def plan_from_slots(task, date=None, time=None, recurrence=None, weekday=None,
                    weekly_on=None, after=None, weekday_spoken=None):
    """A Plan from slot values: `recurrence` is the RECURRENCE value (weekly,
    daily, weekdays), `weekly_on` the day of "every tuesday", `weekday` the day
    of "on tuesday" (weekly when said in the plural: "on tuesdays")."""
    repeat = recurrence if recurrence in REPEATS else None
    day = parse_weekday(weekly_on)
    if day is not None:                    # "every Tuesday" is weekly, whatever else was heard
        repeat = "weekly"
    else:
        day = parse_weekday(weekday)
        plural = isinstance(weekday_spoken, str) and weekday_spoken.lower().strip().endswith("s")
        if day is not None and plural and repeat is None:
            repeat = "weekly"
    parsed_date = parse_date(date)
    seconds = parse_duration(after)
    parsed_time = parse_time(time)
    vague = (bool(date) and parsed_date is None or bool(after) and seconds is None
             or bool(time) and parsed_time is None)
    if parsed_time and not (parsed_date or day is not None or repeat or seconds):
        vague = True                       # a time with no day: which day?
    if repeat in ("daily", "weekdays"):
        day = None
    return Plan(task, repeat=repeat, weekday=day, date=parsed_date, time=parsed_time,
                after=seconds if not repeat else None, vague=vague)


def _int(value, low, high):
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def clean_pending(raw):
    """A stored (or returned) pending plan as a dict, if it is well-formed; else None."""
    if not isinstance(raw, dict) or not known_task(raw.get("task")):
        return None
    time = raw.get("time")
    if time is not None and not (isinstance(time, list) and len(time) == 2
                                 and _int(time[0], 0, 23) and _int(time[1], 0, 59)):
        return None
    weekday = raw.get("weekday")
    if weekday is not None and not _int(weekday, 0, 6):
        return None
    repeat = raw.get("repeat")
    if repeat is None and raw.get("weekly") is True:          # the older shape
        repeat = "weekly"
    if repeat is not None and repeat not in REPEATS:
        return None
    after = raw.get("after")
    if after is not None and not _int(after, 60, MAX_AFTER_SECONDS):
        return None
    return {"task": raw["task"], "repeat": repeat, "weekday": weekday,
            "date": parse_date(raw.get("date")), "time": time, "after": after}


def plan_from_pending(pending):
    return Plan(pending["task"], pending["repeat"], pending["weekday"], pending["date"],
                tuple(pending["time"]) if pending["time"] else None, pending.get("after"))


def first_occurrence(plan, now):
    """The first local datetime the reminder fires, given local `now` (naive)."""
    if plan.after:
        return (now + datetime.timedelta(seconds=plan.after)).replace(microsecond=0)
    hour, minute = plan.time or DEFAULT_TIME
    at = dict(hour=hour, minute=minute, second=0, microsecond=0)
    if plan.repeat == "daily":
        first = now.replace(**at)
        return first if first > now else first + datetime.timedelta(days=1)
    if plan.repeat == "weekdays":
        first = now.replace(**at)
        while first <= now or first.weekday() > 4:
            first += datetime.timedelta(days=1)
        return first
    if plan.repeat == "weekly":
        if plan.weekday is not None:
            weekday = plan.weekday
        elif plan.date:
            weekday = datetime.date.fromisoformat(plan.date).weekday()
        else:
            weekday = (now + datetime.timedelta(days=1)).weekday()
        days = (weekday - now.weekday()) % 7
        first = (now + datetime.timedelta(days=days)).replace(**at)
        if first <= now:
            first += datetime.timedelta(days=7)
        return first
    if plan.date:
        day = datetime.date.fromisoformat(plan.date)
    elif plan.weekday is not None:
        day = now.date() + datetime.timedelta(days=(plan.weekday - now.weekday()) % 7 or 7)
    elif plan.time:
        day = now.date()
    else:
        day = now.date() + datetime.timedelta(days=1)
    first = datetime.datetime.combine(day, datetime.time(hour, minute))
    if first <= now:
        if plan.date or plan.weekday is not None:
            raise PlanError("that time has already passed")
        first += datetime.timedelta(days=1)
    return first


def recurrence_rule(plan, first):
    """The RRULE of a repeating plan ("FREQ=WEEKLY;BYDAY=TU;BYHOUR=10;..."), or None."""
    if not plan.repeat:
        return None
    at = "BYHOUR=%d;BYMINUTE=%d;BYSECOND=0;INTERVAL=1" % (first.hour, first.minute)
    if plan.repeat == "daily":
        return "FREQ=DAILY;" + at
    days = ",".join(DAY_CODES[:5]) if plan.repeat == "weekdays" else DAY_CODES[first.weekday()]
    return "FREQ=WEEKLY;BYDAY=%s;%s" % (days, at)


def early_hour(plan):
    """True for a time from 1:00 to 7:59 (AMAZON.TIME's "three" is 03:00): for a
    massage reminder far more likely meant in the afternoon, so it is asked."""
    return bool(plan.time) and not plan.after and 1 <= plan.time[0] <= 7


def moved_by(plan, hours):
    return Plan(plan.task, plan.repeat, plan.weekday, plan.date,
                ((plan.time[0] + hours) % 24, plan.time[1]), plan.after)


def until(plan, first):
    """When a created reminder is over (its last firing), or None if it repeats."""
    return None if plan.repeat else first


def clock(moment):
    hour = moment.hour % 12 or 12
    suffix = "AM" if moment.hour < 12 else "PM"
    return "%d:%02d %s" % (hour, moment.minute, suffix) if moment.minute else "%d %s" % (hour, suffix)


def describe(plan, first, now):
    """When the reminder fires, in words: 'every Tuesday at 10 AM'. `now` (local)
    None: the day is said as a date, never as "today" or "tomorrow"."""
    day_name = WEEKDAYS[first.weekday()].capitalize()
    if plan.repeat == "weekly":
        return "every %s at %s" % (day_name, clock(first))
    if plan.repeat == "daily":
        return "every day at %s" % clock(first)
    if plan.repeat == "weekdays":
        return "every weekday at %s" % clock(first)
    if plan.after:
        return "in %s, at %s," % (spoken_duration(plan.after), clock(first))
    if now is not None and first.date() == now.date():
        return "today at %s" % clock(first)
    if now is not None and first.date() == now.date() + datetime.timedelta(days=1):
        return "tomorrow at %s" % clock(first)
    return "on %s, %s %d, at %s" % (day_name, first.strftime("%B"), first.day, clock(first))


def repeat_of_rule(rule):
    """The repeat of an RRULE this skill writes ('FREQ=WEEKLY;BYDAY=TU;...' ->
    ("weekly", 1)): (repeat, weekday or None), or None for a rule it never writes."""
    parts = dict(part.split("=", 1) for part in str(rule).split(";") if "=" in part)
    days = parts.get("BYDAY", "")
    if parts.get("FREQ") == "DAILY":
        return "daily", None
    if parts.get("FREQ") == "WEEKLY":
        if days == ",".join(DAY_CODES[:5]):
            return "weekdays", None
        if days in DAY_CODES:
            return "weekly", DAY_CODES.index(days)
    return None


def _local(moment, zone):
    """A datetime from the API as local naive time: naive ones already are; aware ones are converted."""
    if not isinstance(moment, datetime.datetime):
        return None
    if moment.tzinfo is None or zone is None:
        return moment.replace(tzinfo=None, microsecond=0)
    return moment.astimezone(zone).replace(tzinfo=None, microsecond=0)


def describe_alert(kind, zone, now_utc, scheduled=None, start=None, rules=None, offset=None, created=None):
    """When a reminder the API listed goes off, in words ('tomorrow at 3 PM',
    'every Tuesday at 10 AM'), or None when its trigger says too little.

    kind: the trigger type; zone: its time zone (a ZoneInfo, or None); scheduled,
    start (the recurrence's startDateTime), rules (recurrenceRules): local times
    and RRULEs as the API returns them; offset and created (UTC): a relative
    reminder goes off `offset` seconds after it was created."""
    now = now_utc.astimezone(zone).replace(tzinfo=None) if zone is not None else None
    if kind == "SCHEDULED_RELATIVE":
        if zone is None or not isinstance(created, datetime.datetime) or not isinstance(offset, int):
            return None
        created = created if created.tzinfo else created.replace(tzinfo=datetime.timezone.utc)
        first = _local(created + datetime.timedelta(seconds=offset), zone)
        return describe(Plan(None), first, now)
    if rules:
        repeat = repeat_of_rule(rules[0])
        first = _local(start, zone)
        if repeat is None or first is None:
            return None
        repeat, weekday = repeat
        if weekday is not None:                # the rule's day, whatever day it started on
            first += datetime.timedelta(days=(weekday - first.weekday()) % 7)
        return describe(Plan(None, repeat=repeat), first, now)
    first = _local(scheduled, zone)
    return describe(Plan(None), first, now) if first is not None else None


MAX_CHOICES = 10
_ALERT_TOKEN = LazyPattern(r"^[A-Za-z0-9._:-]{1,200}$")
_CHOICE_WORDS = LazyPattern(r"^[A-Za-z0-9 ,.;:'\"()-]{1,200}$")


def clean_choices(raw):
    """The reminders "cancel my reminder" asks about, one at a time, from the
    session (untrusted): [{"token": alert token, "say": "to ... tomorrow at 3 PM"}, ...],
    or None when it is not exactly that."""
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_CHOICES:
        return None
    choices = []
    for item in raw:
        if not (isinstance(item, dict) and isinstance(item.get("token"), str) and isinstance(item.get("say"), str)
                and _ALERT_TOKEN.match(item["token"]) and _CHOICE_WORDS.match(item["say"])):
            return None
        choices.append({"token": item["token"], "say": item["say"]})
    return choices


def spoken_duration(seconds):
    parts = []
    for size, name in ((86400, "day"), (3600, "hour"), (60, "minute")):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append("%d %s%s" % (count, name, "" if count == 1 else "s"))
    return " and ".join(parts[:2])
