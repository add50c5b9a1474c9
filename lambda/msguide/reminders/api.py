"""The Alexa APIs reminders need, through the SDK's service clients.

The Reminders API (create, list, delete) and the Settings API (the device's
time zone), both built by the SDK's service client factory from the request's
apiEndpoint and apiAccessToken, and the readers of what they answer. Errors
are raised to the caller (msguide.handlers.reminders), which says why.
"""

import datetime

from ask_sdk_model.services.reminder_management import (
    AlertInfo,
    PushNotification,
    PushNotificationStatus,
    Recurrence,
    ReminderRequest,
    SpokenInfo,
    SpokenText,
    Trigger,
    TriggerType,
)

from ..alexa_api import readable_reminders
from ..content import default_content
from . import plan as plans


def status(exc) -> int:
    """The HTTP status of a failed API call (500 when it has none)."""
    return getattr(exc, "status_code", None) or 500


def timed_out(exc) -> bool:
    import socket
    reason = getattr(exc, "reason", exc)
    return isinstance(exc, (socket.timeout, TimeoutError)) or isinstance(reason, (socket.timeout, TimeoutError))


def device_clock(handler_input):
    """(time zone name, UTC now, local now (naive)) of the request's device, from
    the Settings API; raises on any failure (an unknown zone included)."""
    factory = handler_input.service_client_factory
    device_id = handler_input.request_envelope.context.system.device.device_id
    time_zone = factory.get_ups_service().get_system_time_zone(device_id)
    import zoneinfo
    zone = zoneinfo.ZoneInfo(time_zone)
    now_utc = datetime.datetime.now(datetime.timezone.utc)
    return time_zone, now_utc, now_utc.astimezone(zone).replace(tzinfo=None)


def reminder_request(plan: plans.Plan, first, time_zone, locale, now_utc) -> ReminderRequest:
    """The SDK's ReminderRequest for a scheduled plan.

    Once: SCHEDULED_ABSOLUTE at a local time. Repeating: the current
    recurrence form (startDateTime + recurrenceRules, an RRULE), not the
    deprecated freq/byDay. Relative ("in two hours"): SCHEDULED_RELATIVE.
    """
    if plan.after:
        trigger = Trigger(object_type=TriggerType.SCHEDULED_RELATIVE, offset_in_seconds=plan.after,
                          time_zone_id=time_zone)
    elif plan.repeat:
        trigger = Trigger(object_type=TriggerType.SCHEDULED_ABSOLUTE, time_zone_id=time_zone,
                          recurrence=Recurrence(start_date_time=first,
                                                recurrence_rules=[plans.recurrence_rule(plan, first)]))
    else:
        trigger = Trigger(object_type=TriggerType.SCHEDULED_ABSOLUTE, scheduled_time=first,
                          time_zone_id=time_zone)
    text = plans.reminder_of(plan.task)["text"]
    return ReminderRequest(
        request_time=now_utc.replace(tzinfo=None, microsecond=0),
        trigger=trigger,
        alert_info=AlertInfo(spoken_info=SpokenInfo(content=[SpokenText(locale=locale, text=text)])),
        push_notification=PushNotification(status=PushNotificationStatus.ENABLED))


def _service(handler_input):
    return handler_input.service_client_factory.get_reminder_management_service()


def create(handler_input, request: ReminderRequest):
    return _service(handler_input).create_reminder(request)


def delete(handler_input, token: str):
    _service(handler_input).delete_reminder(token)


def alerts(handler_input) -> list:
    """This skill's reminders for the user, from the API (not completed ones)."""
    readable_reminders()
    found = _service(handler_input).get_reminders()
    return [a for a in (getattr(found, "alerts", None) or [])
            if getattr(getattr(a, "status", None), "value", None) != "COMPLETED"]


def alert_text(alert) -> str:
    try:
        return alert.alert_info.spoken_info.content[0].text or ""
    except (AttributeError, IndexError, TypeError):
        return ""


def task_of(alert) -> str | None:
    """The task of a reminder the API returned, from the words it will say."""
    text = alert_text(alert)
    for task, topic in default_content().reminder_topics.items():
        if topic.reminder["text"] == text:
            return task
    prefix, suffix = plans.REMINDER_TEXT.split("%s")
    if text.startswith(prefix) and text.endswith(suffix):
        return plans.own_task(text[len(prefix):len(text) - len(suffix)])
    return None


def same_time(alert, request: ReminderRequest) -> bool:
    """True when an existing alert fires like `request` would (a retried create)."""
    def key(trigger):
        recurrence = getattr(trigger, "recurrence", None)
        start = getattr(recurrence, "start_date_time", None) or getattr(trigger, "scheduled_time", None)
        rules = tuple(getattr(recurrence, "recurrence_rules", None) or ())
        return (str(start)[:16].replace(" ", "T"), rules, getattr(trigger, "offset_in_seconds", None))
    return key(getattr(alert, "trigger", None)) == key(request.trigger)


def when(alert) -> str | None:
    """When a reminder the API listed goes off, in words ('every Tuesday at 10 AM'), or None."""
    import zoneinfo
    trigger = getattr(alert, "trigger", None)
    if trigger is None:
        return None
    try:
        zone = zoneinfo.ZoneInfo(trigger.time_zone_id) if trigger.time_zone_id else None
    except (ValueError, TypeError, zoneinfo.ZoneInfoNotFoundError):
        zone = None
    recurrence = getattr(trigger, "recurrence", None)
    try:
        return plans.describe_alert(
            getattr(getattr(trigger, "object_type", None), "value", None), zone,
            datetime.datetime.now(datetime.timezone.utc),
            scheduled=getattr(trigger, "scheduled_time", None),
            start=getattr(recurrence, "start_date_time", None),
            rules=list(getattr(recurrence, "recurrence_rules", None) or ()),
            offset=getattr(trigger, "offset_in_seconds", None),
            created=getattr(alert, "created_time", None))
    except (ValueError, TypeError, OverflowError):
        return None
