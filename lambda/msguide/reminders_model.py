"""Reminders as data: what to remind, when, and the Reminders API request.

Pure functions, no I/O: the handlers in handlers/reminders.py read slots,
call the Alexa APIs and speak; this module turns slot values into a Plan,
a Plan and the device's local time into a schedule, and a schedule into the
SDK's ReminderRequest. Reminder texts come from the content (topic.reminder).
"""

import datetime

from .content import default_content

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# AMAZON.TIME sends these for "morning", "afternoon", "evening", "night".
TIME_OF_DAY = {"MO": (9, 0), "AF": (14, 0), "EV": (18, 0), "NI": (20, 0)}
DEFAULT_TIME = (10, 0)


class PlanError(ValueError):
    """A plan that cannot be scheduled (a time already past, say)."""


def known_task(task):
    return isinstance(task, str) and task in default_content().reminder_topics


def reminder_of(task):
    return default_content().reminder_topics[task].reminder


class Plan:
    """A reminder the user asked for, before it has a concrete time."""

    __slots__ = ("task", "weekly", "weekday", "date", "time")

    def __init__(self, task, weekly=False, weekday=None, date=None, time=None):
        self.task = task            # content reminder task value
        self.weekly = weekly        # True: every week
        self.weekday = weekday      # 0..6 or None
        self.date = date            # "YYYY-MM-DD" or None
        self.time = time            # (hour, minute) or None

    def to_dict(self):
        return {"task": self.task, "weekly": self.weekly, "weekday": self.weekday,
                "date": self.date, "time": list(self.time) if self.time else None}


def parse_date(value):
    """A full AMAZON.DATE value as 'YYYY-MM-DD'; anything vaguer is None."""
    try:
        return datetime.date.fromisoformat(value).isoformat() if value else None
    except (TypeError, ValueError):
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


def parse_weekday(value):
    if isinstance(value, str) and value.lower() in WEEKDAYS:
        return WEEKDAYS.index(value.lower())
    return None


def plan_from_slots(task, date=None, time=None, recurrence=None, weekday=None):
    return Plan(task, weekly=recurrence == "weekly", weekday=parse_weekday(weekday),
                date=parse_date(date), time=parse_time(time))


def clean_pending(raw):
    """A stored pending plan as a dict, if it is well-formed; else None."""
    if not isinstance(raw, dict) or not known_task(raw.get("task")):
        return None
    time = raw.get("time")
    if time is not None and not (isinstance(time, list) and len(time) == 2
                                 and all(isinstance(x, int) for x in time)
                                 and 0 <= time[0] < 24 and 0 <= time[1] < 60):
        return None
    weekday = raw.get("weekday")
    if weekday is not None and weekday not in range(7):
        return None
    return {"task": raw["task"], "weekly": raw.get("weekly") is True, "weekday": weekday,
            "date": parse_date(raw.get("date")), "time": time}


def plan_from_pending(pending):
    return Plan(pending["task"], pending["weekly"], pending["weekday"], pending["date"],
                tuple(pending["time"]) if pending["time"] else None)


def first_occurrence(plan, now):
    """The first local datetime the reminder fires, given local `now` (naive)."""
    hour, minute = plan.time or DEFAULT_TIME
    if plan.weekly:
        if plan.weekday is not None:
            weekday = plan.weekday
        elif plan.date:
            weekday = datetime.date.fromisoformat(plan.date).weekday()
        else:
            weekday = (now + datetime.timedelta(days=1)).weekday()
        days = (weekday - now.weekday()) % 7
        first = (now + datetime.timedelta(days=days)).replace(hour=hour, minute=minute,
                                                              second=0, microsecond=0)
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


def clock(moment):
    hour = moment.hour % 12 or 12
    suffix = "AM" if moment.hour < 12 else "PM"
    return "%d:%02d %s" % (hour, moment.minute, suffix) if moment.minute else "%d %s" % (hour, suffix)


def describe(plan, first, now):
    """When the reminder fires, in words: 'every Tuesday at 10 AM'."""
    day_name = WEEKDAYS[first.weekday()].capitalize()
    if plan.weekly:
        return "every %s at %s" % (day_name, clock(first))
    if first.date() == now.date():
        return "today at %s" % clock(first)
    if first.date() == now.date() + datetime.timedelta(days=1):
        return "tomorrow at %s" % clock(first)
    return "on %s, %s %d, at %s" % (day_name, first.strftime("%B"), first.day, clock(first))


def reminder_request(plan, first, time_zone, locale, now_utc):
    """The SDK's ReminderRequest for a scheduled plan."""
    from ask_sdk_model.services.reminder_management import (
        AlertInfo, PushNotification, PushNotificationStatus, Recurrence, RecurrenceDay,
        RecurrenceFreq, ReminderRequest, SpokenInfo, SpokenText, Trigger, TriggerType)
    recurrence = None
    if plan.weekly:
        recurrence = Recurrence(freq=RecurrenceFreq.WEEKLY,
                                by_day=[RecurrenceDay(DAY_CODES[first.weekday()])])
    text = reminder_of(plan.task)["text"]
    return ReminderRequest(
        request_time=now_utc.replace(tzinfo=None, microsecond=0),
        trigger=Trigger(object_type=TriggerType.SCHEDULED_ABSOLUTE, scheduled_time=first,
                        time_zone_id=time_zone, recurrence=recurrence),
        alert_info=AlertInfo(spoken_info=SpokenInfo(content=[SpokenText(locale=locale, text=text)])),
        push_notification=PushNotification(status=PushNotificationStatus.ENABLED))
