"""Reminders by voice: set, list, cancel, and the permission conversation.

Calls the Alexa Reminders API through the SDK's ReminderManagementServiceClient
and the Settings API (device time zone) through the UPS service client, both
built by the SDK's service client factory from the request's apiEndpoint and
apiAccessToken. Every API answer is handled: 201 confirms; 401/403 ask for
permission again; 400, 429, 5xx and timeouts get a short spoken apology and
never a confirmation of something that was not set.
"""

import datetime

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import get_locale, is_intent_name, is_request_type
from ask_sdk_model.interfaces.connections import SendRequestDirective
from ask_sdk_model.ui import AskForPermissionsConsentCard

from .. import reminders_model as model
from ..alexa_api import readable_reminders
from ..content import default_content
from ..logs import logger
from ..memory import memory
from ..respond import current_state, say_notice
from ..wording import for_locale
from .answers import resolved_slot

SCOPE = "alexa::alerts:reminders:skill:readwrite"
CONSENT_TOKEN = "msguide-reminder"


def _words(handler_input):
    return for_locale(get_locale(handler_input) or "")


def permission_status(handler_input):
    """'GRANTED', 'DENIED' or None (not stated in the request)."""
    try:
        scopes = handler_input.request_envelope.context.system.user.permissions.scopes or {}
        status = scopes[SCOPE].status
        return getattr(status, "value", status)
    except (AttributeError, KeyError, TypeError):
        return None


def ask_for_permission(handler_input, plan=None):
    """Have Alexa ask the user, by voice, for the permission; keep the plan (if
    the user was setting a reminder) to create it once they accept."""
    memory(handler_input).set("pending_reminder", plan.to_dict() if plan else None)
    directive = SendRequestDirective(
        name="AskFor", token=CONSENT_TOKEN,
        payload={"@type": "AskForPermissionsConsentRequest", "@version": "1",
                 "permissionScope": SCOPE})
    return handler_input.response_builder.add_directive(directive).response


def _api_error(handler_input, exc):
    status = getattr(exc, "status_code", 500)
    words = _words(handler_input)
    logger().warning("reminders API answered %s", status)
    if status in (401, 403):
        return None                         # caller asks for permission again
    if status == 400:
        return say_notice(handler_input, words["reminder_bad_time"])
    if status == 429:
        return say_notice(handler_input, words["reminder_too_many"])
    return say_notice(handler_input, words["reminder_unavailable"])


def set_reminder(handler_input, plan):
    """Create the reminder, or ask for permission, or say why not."""
    from ask_sdk_model.services import ServiceException
    words = _words(handler_input)
    if permission_status(handler_input) == "DENIED":
        return ask_for_permission(handler_input, plan)
    factory = handler_input.service_client_factory
    try:
        device_id = handler_input.request_envelope.context.system.device.device_id
        time_zone = factory.get_ups_service().get_system_time_zone(device_id)
        import zoneinfo
        zone = zoneinfo.ZoneInfo(time_zone)
        now_utc = datetime.datetime.now(datetime.timezone.utc)
        now_local = now_utc.astimezone(zone).replace(tzinfo=None)
        first = model.first_occurrence(plan, now_local)
        request = model.reminder_request(plan, first, time_zone, get_locale(handler_input) or "en-US",
                                         now_utc)
        created = factory.get_reminder_management_service().create_reminder(request)
    except model.PlanError:
        return say_notice(handler_input, words["reminder_past"])
    except ServiceException as exc:
        answer = _api_error(handler_input, exc)
        return answer if answer is not None else ask_for_permission(handler_input, plan)
    except Exception as exc:                # time zone unknown, malformed answer...
        logger().warning("reminder not set: %s", type(exc).__name__)
        return say_notice(handler_input, words["reminder_unavailable"])
    remembered = memory(handler_input)
    remembered.set("pending_reminder", None)
    token = getattr(created, "alert_token", None)
    if token:
        reminders = list(remembered.get("reminders", [])) + [{"token": token, "task": plan.task}]
        remembered.set("reminders", reminders[-20:])
    when = model.describe(plan, first, now_local)
    return say_notice(handler_input, words["reminder_set"].format(
        when=when, say=model.reminder_of(plan.task)["say"]))


def _task_from(handler_input, slot="task"):
    """The task asked for, else the one the last topic suggests, else None."""
    value, _spoken = resolved_slot(handler_input, slot)
    if model.known_task(value):
        return value
    state = current_state(handler_input)
    offer = state.offer or {}
    if offer.get("kind") == "reminder":
        return offer["task"]
    last = state.last or {}
    topic = default_content().get(last.get("topic", "")) if last else None
    return topic.reminder["task"] if topic is not None and topic.reminder else None


def _which(handler_input):
    tasks = [t.reminder["say"] for t in default_content().reminder_topics.values()]
    return say_notice(handler_input, _words(handler_input)["reminder_which"].format(
        tasks=_listed(tasks, ", or ")))


class SetReminder(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name("SetReminderIntent")(handler_input)

    def handle(self, handler_input):
        task = _task_from(handler_input)
        if task is None:
            return _which(handler_input)
        slot = lambda name: resolved_slot(handler_input, name)      # noqa: E731
        plan = model.plan_from_slots(
            task, date=slot("date")[1], time=slot("time")[1],
            recurrence=slot("recurrence")[0], weekday=slot("weekday")[0])
        return set_reminder(handler_input, plan)


class AnswerPermissionRequest(AbstractRequestHandler):
    """Connections.Response to our AskFor: set the pending reminder, or explain."""

    def can_handle(self, handler_input):
        request = handler_input.request_envelope.request
        return (is_request_type("Connections.Response")(handler_input)
                and getattr(request, "name", None) == "AskFor")

    def handle(self, handler_input):
        payload = handler_input.request_envelope.request.payload or {}
        status = payload.get("status") if isinstance(payload, dict) else None
        remembered = memory(handler_input)
        pending = remembered.get("pending_reminder")
        if status == "ACCEPTED" and pending:
            return set_reminder(handler_input, model.plan_from_pending(pending))
        remembered.set("pending_reminder", None)
        words = _words(handler_input)
        card = AskForPermissionsConsentCard(permissions=[SCOPE])
        if status == "ACCEPTED":            # granted while listing or cancelling
            return _which(handler_input)
        return say_notice(handler_input, words["reminder_denied"], card=card)


def _listed(items, last=" and "):
    """'a', 'a and b', 'a, b and c' (or another joiner before the last item)."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + last + items[-1]


def _count(number):
    return "one reminder" if number == 1 else "%d reminders" % number


class ListReminders(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name("ListRemindersIntent")(handler_input)

    def handle(self, handler_input):
        from ask_sdk_model.services import ServiceException
        words = _words(handler_input)
        readable_reminders()
        try:
            found = handler_input.service_client_factory.get_reminder_management_service().get_reminders()
        except ServiceException as exc:
            answer = _api_error(handler_input, exc)
            return answer if answer is not None else ask_for_permission(handler_input)
        tasks = {r["token"]: r["task"] for r in memory(handler_input).get("reminders", [])}
        alerts = [a for a in (getattr(found, "alerts", None) or [])
                  if getattr(getattr(a, "status", None), "value", None) != "COMPLETED"]
        if not alerts:
            return say_notice(handler_input, words["reminder_none"])
        items = []
        for alert in alerts:
            task = tasks.get(alert.alert_token)
            items.append("to " + model.reminder_of(task)["say"] if task else "one I don't recognise")
        return say_notice(handler_input, words["reminder_list"].format(
            count=_count(len(alerts)), items=_listed(items)))


class CancelReminder(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name("CancelReminderIntent")(handler_input)

    def handle(self, handler_input):
        from ask_sdk_model.services import ServiceException
        words = _words(handler_input)
        value, _spoken = resolved_slot(handler_input, "task")
        task = value if model.known_task(value) else None
        remembered = memory(handler_input)
        ours = remembered.get("reminders", [])
        targets = [r for r in ours if task is None or r["task"] == task]
        if not targets:
            say = model.reminder_of(task)["say"] if task else "do anything"
            return say_notice(handler_input, words["reminder_cancel_none"].format(say=say))
        service = handler_input.service_client_factory.get_reminder_management_service()
        cancelled = []
        for entry in targets:
            try:
                service.delete_reminder(entry["token"])
            except ServiceException as exc:
                if getattr(exc, "status_code", 500) != 404:      # 404: already gone
                    answer = _api_error(handler_input, exc)
                    remembered.set("reminders", [r for r in ours if r not in cancelled])
                    return answer if answer is not None else ask_for_permission(handler_input)
            cancelled.append(entry)
        remembered.set("reminders", [r for r in ours if r not in cancelled])
        items = ["to " + model.reminder_of(r["task"])["say"] for r in cancelled]
        return say_notice(handler_input, words["reminder_cancelled"].format(
            count=_count(len(cancelled)), items=_listed(items)))
