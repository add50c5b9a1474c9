"""Reminders by voice: set, list, cancel, and the permission conversation.

Calls the Alexa Reminders API through the SDK's ReminderManagementServiceClient
and the Settings API (device time zone) through the UPS service client, both
built by the SDK's service client factory from the request's apiEndpoint and
apiAccessToken. Every API answer is handled, and nothing is ever confirmed that
was not set, nor denied that may have been:

* 201 confirms; an identical reminder that already exists (a retry after a
  timeout) is confirmed, not created twice;
* 401/403 asks for the permission by voice, once per session; after that
  (or right after the user accepted) it explains and sends the permission card;
* 400 and 429 say why; a timeout or a 5xx during the create says it may not
  have been set and how to check; a failure before it says nothing was set;
* the plan waiting for the user's consent travels in the AskFor token (and in
  memory when there is one), validated when it comes back;
* list and cancel ask the API what exists (the skill sees only its own
  reminders there), so a reminder whose token was lost is still found.
"""

import base64
import datetime
import json
import time

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import get_locale, is_intent_name, is_request_type
from ask_sdk_model.ui import AskForPermissionsConsentCard

from .. import reminders_model as model
from ..alexa_api import readable_reminders
from ..content import default_content
from ..logs import logger, printable
from ..memory import memory
from ..respond import current_state, say_notice, set_state, words_for
from .answers import resolved_slot

SCOPE = "alexa::alerts:reminders:skill:readwrite"
TOKEN_PREFIX = "msguide-reminder"
MAX_TOKEN = 600


def permission_status(handler_input):
    """'GRANTED', 'DENIED' or None (not stated in the request)."""
    try:
        scopes = handler_input.request_envelope.context.system.user.permissions.scopes or {}
        status = scopes[SCOPE].status
        return getattr(status, "value", status)
    except (AttributeError, KeyError, TypeError):
        return None


def plan_token(plan):
    """The AskFor token: the prefix, then the waiting plan (compact JSON, base64url)."""
    if plan is None:
        return TOKEN_PREFIX
    data = json.dumps(plan.to_dict(), separators=(",", ":"), sort_keys=True).encode("utf-8")
    return "%s:%s" % (TOKEN_PREFIX, base64.urlsafe_b64encode(data).decode("ascii").rstrip("="))


def plan_from_token(token):
    """The plan a returning AskFor token carries, validated like stored memory; or None."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN or not token.startswith(TOKEN_PREFIX + ":"):
        return None
    packed = token.split(":", 1)[1]
    try:
        raw = json.loads(base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4)))
    except ValueError:
        return None
    return model.clean_pending(raw)


def ask_for_permission(handler_input, plan=None):
    """Have Alexa ask the user, by voice, for the permission; the plan (if the
    user was setting a reminder) rides in the token and in memory."""
    state = current_state(handler_input)
    state.asked = True
    set_state(handler_input, state.to_attributes())
    memory(handler_input).set("pending_reminder", plan.to_dict() if plan else None)
    from ask_sdk_model.interfaces.connections import SendRequestDirective   # 2 ms at import: not for every cold start
    directive = SendRequestDirective(
        name="AskFor", token=plan_token(plan),
        payload={"@type": "AskForPermissionsConsentRequest", "@version": "1",
                 "permissionScope": SCOPE})
    return handler_input.response_builder.add_directive(directive).response


def explain_permission(handler_input):
    """Permission missing after it was asked for: explain once, send the card, never loop."""
    card = AskForPermissionsConsentCard(permissions=[SCOPE])
    return say_notice(handler_input, words_for(handler_input)["reminder_permission_trouble"], card=card)


def need_permission(handler_input, plan=None):
    request = handler_input.request_envelope.request
    if current_state(handler_input).asked or getattr(request, "object_type", "") == "Connections.Response":
        memory(handler_input).set("pending_reminder", None)
        return explain_permission(handler_input)
    return ask_for_permission(handler_input, plan)


def _status(exc):
    return getattr(exc, "status_code", None) or 500


def _api_error(handler_input, exc, plan=None, stage="other"):
    """The spoken answer to a failed API call (or a permission request). `stage`:
    "create" (the reminder may exist), "before" (nothing was sent) or "other"."""
    status = _status(exc)
    words = words_for(handler_input)
    logger().warning("reminders API answered %s", status)
    if status in (401, 403):
        return need_permission(handler_input, plan)
    if status == 400:
        return say_notice(handler_input, words["reminder_bad_time"])
    if status == 429:
        return say_notice(handler_input, words["reminder_too_many"])
    if stage == "create":
        return say_notice(handler_input, words["reminder_unsure"])
    return say_notice(handler_input, words["reminder_unavailable" if stage == "before"
                                           else "reminder_unreachable"])


def _timed_out(exc):
    import socket
    reason = getattr(exc, "reason", exc)
    return isinstance(exc, (socket.timeout, TimeoutError)) or isinstance(reason, (socket.timeout, TimeoutError))


def _alerts(handler_input):
    """This skill's reminders for the user, from the API (not completed ones)."""
    readable_reminders()
    found = handler_input.service_client_factory.get_reminder_management_service().get_reminders()
    return [a for a in (getattr(found, "alerts", None) or [])
            if getattr(getattr(a, "status", None), "value", None) != "COMPLETED"]


def _alert_text(alert):
    try:
        return alert.alert_info.spoken_info.content[0].text or ""
    except (AttributeError, IndexError, TypeError):
        return ""


def _task_of(alert):
    """The task of a reminder the API returned, from the words it will say."""
    text = _alert_text(alert)
    for task, topic in default_content().reminder_topics.items():
        if topic.reminder["text"] == text:
            return task
    prefix, suffix = model.REMINDER_TEXT.split("%s")
    if text.startswith(prefix) and text.endswith(suffix):
        return model.own_task(text[len(prefix):len(text) - len(suffix)])
    return None


def _same_time(alert, request):
    """True when an existing alert fires like `request` would (a retried create)."""
    def key(trigger):
        recurrence = getattr(trigger, "recurrence", None)
        start = getattr(recurrence, "start_date_time", None) or getattr(trigger, "scheduled_time", None)
        rules = tuple(getattr(recurrence, "recurrence_rules", None) or ())
        return (str(start)[:16].replace(" ", "T"), rules, getattr(trigger, "offset_in_seconds", None))
    return key(getattr(alert, "trigger", None)) == key(request.trigger)


def _remember(handler_input, token, plan, first, now_local):
    """Keep the token of a reminder we made, until its last firing (forever if it repeats)."""
    remembered = memory(handler_input)
    remembered.set("pending_reminder", None)
    if not token:
        return
    entry = {"token": token}                # the identifier only: the words live in Alexa's reminder
    last = model.until(plan, first)
    if last is not None:
        entry["until"] = int(time.time() + (last - now_local).total_seconds()) + 60
    remembered.add_reminder(entry)


def _schedule(handler_input, plan):
    """(time zone, local now, first firing) for a plan; raises on any failure."""
    factory = handler_input.service_client_factory
    device_id = handler_input.request_envelope.context.system.device.device_id
    time_zone = factory.get_ups_service().get_system_time_zone(device_id)
    import zoneinfo
    zone = zoneinfo.ZoneInfo(time_zone)
    now_utc = datetime.datetime.now(datetime.timezone.utc)
    now_local = now_utc.astimezone(zone).replace(tzinfo=None)
    return time_zone, now_utc, now_local, model.first_occurrence(plan, now_local)


def _scheduled(handler_input, plan):
    """(_schedule's answer, None), or (None, the spoken refusal): a time already
    past, the Settings API failing, an unknown time zone. Nothing was sent yet."""
    from ask_sdk_model.services import ServiceException
    words = words_for(handler_input)
    try:
        return _schedule(handler_input, plan), None
    except model.PlanError:
        return None, say_notice(handler_input, words["reminder_past"])
    except ServiceException as exc:
        return None, _api_error(handler_input, exc, plan, stage="before")
    except Exception as exc:
        logger().warning("reminder time not worked out: %s", type(exc).__name__)
        return None, say_notice(handler_input, words["reminder_unavailable"])


def confirm_reminder(handler_input, plan):
    """One confirmation turn before anything is created: "... Shall I set it?"."""
    words = words_for(handler_input)
    if plan.vague:
        return say_notice(handler_input, words["reminder_which_day"].format(
            say=model.reminder_of(plan.task)["say"], task=_first_person(plan.task)))
    schedule, refusal = _scheduled(handler_input, plan)
    if refusal is not None:
        return refusal
    _zone, _utc, now_local, first = schedule
    response = say_notice(handler_input, words["reminder_confirm"].format(
        when=model.describe(plan, first, now_local), say=model.reminder_of(plan.task)["say"]))
    _offer(handler_input, {"kind": "reminder_confirm", "plan": plan.to_dict()})
    return response


def _offer(handler_input, offer):
    state = current_state(handler_input)
    state.offer = offer
    set_state(handler_input, state.to_attributes())


def _first_person(task):
    return task[len(model.OWN):] if task.startswith(model.OWN) else task


def change_reminder(handler_input, offer):
    """'No' to "shall I set it?": nothing is set; say how to ask again."""
    return say_notice(handler_input, words_for(handler_input)["reminder_change"].format(
        task=_first_person(offer["plan"]["task"])))


def set_reminder(handler_input, plan):
    """Create the reminder, or ask for permission, or say truthfully why not."""
    from ask_sdk_model.services import ServiceException
    words = words_for(handler_input)
    if plan.vague:
        return confirm_reminder(handler_input, plan)
    if permission_status(handler_input) == "DENIED":
        return need_permission(handler_input, plan)
    factory = handler_input.service_client_factory
    schedule, refusal = _scheduled(handler_input, plan)
    if refusal is not None:
        return refusal
    time_zone, now_utc, now_local, first = schedule
    request = model.reminder_request(plan, first, time_zone, get_locale(handler_input) or "en-US", now_utc)
    confirmation = words["reminder_set"].format(when=model.describe(plan, first, now_local),
                                               say=model.reminder_of(plan.task)["say"])
    text = model.reminder_of(plan.task)["text"]
    try:                                    # a retry after a timeout: the first one may exist
        existing = [a for a in _alerts(handler_input)
                    if _alert_text(a) == text and _same_time(a, request)]
    except Exception:
        existing = []
    if existing:
        _remember(handler_input, existing[0].alert_token, plan, first, now_local)
        return say_notice(handler_input, confirmation)
    try:
        created = factory.get_reminder_management_service().create_reminder(request)
    except ServiceException as exc:
        return _api_error(handler_input, exc, plan, stage="create")
    except Exception as exc:
        logger().warning("reminder create failed: %s", type(exc).__name__)
        key = "reminder_unsure" if _timed_out(exc) else "reminder_unavailable"
        return say_notice(handler_input, words[key])
    _remember(handler_input, getattr(created, "alert_token", None), plan, first, now_local)
    return say_notice(handler_input, confirmation)


def _task_from(handler_input, slot="task"):
    """The task asked for (one of the content's, or the user's own words), else
    the one the last offer or topic suggests, else None."""
    value, spoken = resolved_slot(handler_input, slot)
    if model.known_task(value):
        return value
    if spoken and model.own_task(spoken):
        return model.own_task(spoken)
    state = current_state(handler_input)
    offer = state.offer or {}
    if offer.get("kind") == "reminder":
        return offer["task"]
    last = state.last or {}
    topic = default_content().get(last.get("topic", "")) if last else None
    return topic.reminder["task"] if topic is not None and topic.reminder else None


def _which(handler_input):
    tasks = [t.reminder["say"] for t in default_content().reminder_topics.values()]
    return say_notice(handler_input, words_for(handler_input)["reminder_which"].format(
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
            task, date=slot("date")[1], time=slot("time")[1], recurrence=slot("recurrence")[0],
            weekday=slot("weekday")[0], weekday_spoken=slot("weekday")[1],
            weekly_on=slot("weekly_on")[0], after=slot("after")[1])
        if not plan.vague and model.early_hour(plan):
            return ask_am_or_pm(handler_input, plan)
        return confirm_reminder(handler_input, plan)


def ask_am_or_pm(handler_input, plan):
    """'At three' arrives as 03:00: ask before setting a reminder for the small hours."""
    words = words_for(handler_input)
    pm = model.moved_by(plan, 12)
    clock = lambda p: model.clock(datetime.datetime(2000, 1, 1, *p.time))   # noqa: E731
    response = say_notice(handler_input, words["reminder_am_or_pm"].format(am=clock(plan), pm=clock(pm)))
    _offer(handler_input, {"kind": "reminder_time", "plan": pm.to_dict()})
    return response


def answer_am_or_pm(handler_input, offer, yes):
    """Yes: the afternoon plan the offer holds; no: the same, twelve hours earlier.
    Either way, then the one confirmation turn."""
    plan = model.plan_from_pending(offer["plan"])
    return confirm_reminder(handler_input, plan if yes else model.moved_by(plan, -12))


class AnswerPermissionRequest(AbstractRequestHandler):
    """Connections.Response to our AskFor: set the waiting reminder, or explain."""

    def can_handle(self, handler_input):
        request = handler_input.request_envelope.request
        return (is_request_type("Connections.Response")(handler_input)
                and getattr(request, "name", None) == "AskFor")

    def handle(self, handler_input):
        request = handler_input.request_envelope.request
        words = words_for(handler_input)
        remembered = memory(handler_input)
        code = str(getattr(getattr(request, "status", None), "code", None) or "200")
        if code != "200":                   # Alexa could not ask: its error, not the user's "no"
            logger().warning("AskFor answered with status %s", printable(code))
            remembered.set("pending_reminder", None)
            return say_notice(handler_input, words["alexa_error"])
        payload = request.payload or {}
        status = payload.get("status") if isinstance(payload, dict) else None
        pending = plan_from_token(getattr(request, "token", None)) or remembered.get("pending_reminder")
        if status == "ACCEPTED" and pending:
            return set_reminder(handler_input, model.plan_from_pending(pending))
        remembered.set("pending_reminder", None)
        if status == "ACCEPTED":            # granted while listing or cancelling
            return _which(handler_input)
        card = AskForPermissionsConsentCard(permissions=[SCOPE])
        return say_notice(handler_input, words["reminder_denied"], card=card)


def _listed(items, last=" and "):
    """'a', 'a and b', 'a, b and c' (or another joiner before the last item)."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + last + items[-1]


def _count(number):
    return "one reminder" if number == 1 else "%d reminders" % number


def _when(alert):
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
        return model.describe_alert(
            getattr(getattr(trigger, "object_type", None), "value", None), zone,
            datetime.datetime.now(datetime.timezone.utc),
            scheduled=getattr(trigger, "scheduled_time", None),
            start=getattr(recurrence, "start_date_time", None),
            rules=list(getattr(recurrence, "recurrence_rules", None) or ()),
            offset=getattr(trigger, "offset_in_seconds", None),
            created=getattr(alert, "created_time", None))
    except (ValueError, TypeError, OverflowError):
        return None


def _named(alert):
    """'to book a massage tomorrow at 3 PM': what it reminds, then when (so two are told apart)."""
    task = _task_of(alert)
    if task:
        name = "to " + model.reminder_of(task)["say"]
    else:
        text = " ".join(_alert_text(alert).split())[:80]
        name = 'one that says "%s"' % text if text else "one without a message"
    when = _when(alert)
    return "%s %s" % (name, when) if when else name


class ListReminders(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name("ListRemindersIntent")(handler_input)

    def handle(self, handler_input):
        from ask_sdk_model.services import ServiceException
        words = words_for(handler_input)
        try:
            alerts = _alerts(handler_input)
        except ServiceException as exc:
            return _api_error(handler_input, exc)
        except Exception as exc:
            logger().warning("reminders not listed: %s", type(exc).__name__)
            return say_notice(handler_input, words["reminder_unreachable"])
        if not alerts:
            return say_notice(handler_input, words["reminder_none"])
        return say_notice(handler_input, words["reminder_list"].format(
            count=_count(len(alerts)), items=_listed([_named(a) for a in alerts])))


class CancelReminder(AbstractRequestHandler):
    """One reminder that matches is cancelled; more than one, and the user is
    asked about each in turn ("shall I cancel the one ... ?"), never all at once."""

    def can_handle(self, handler_input):
        return is_intent_name("CancelReminderIntent")(handler_input)

    def handle(self, handler_input):
        from ask_sdk_model.services import ServiceException
        words = words_for(handler_input)
        value, spoken = resolved_slot(handler_input, "task")
        task = value if model.known_task(value) else model.own_task(spoken)
        try:                                # what exists, from the API (memory keeps no words to match)
            alerts = _alerts(handler_input)
            wanted = model.reminder_of(task)["text"] if task else None
            targets = [{"token": a.alert_token, "say": _named(a)} for a in alerts
                       if wanted is None or _alert_text(a) == wanted]
        except ServiceException as exc:
            return _api_error(handler_input, exc)
        except Exception as exc:
            logger().warning("reminders not listed for cancelling: %s", type(exc).__name__)
            return say_notice(handler_input, words["reminder_unreachable"])
        if not targets:
            say = model.reminder_of(task)["say"] if task else "do anything"
            return say_notice(handler_input, words["reminder_cancel_none"].format(say=say))
        if len(targets) == 1:
            failed = _delete(handler_input, targets[0]["token"])
            if failed is not None:
                return failed
            return say_notice(handler_input, words["reminder_cancelled"].format(
                count=_count(1), items=targets[0]["say"]))
        choices = model.clean_choices(targets[:model.MAX_CHOICES])
        if choices is None:                 # a token or a text we would not carry: ask nothing
            return say_notice(handler_input, words["reminder_unreachable"])
        response = say_notice(handler_input, words["reminder_cancel_which"].format(
            count=_count(len(targets)), items=_listed([t["say"] for t in targets]),
            first=choices[0]["say"]))
        _offer(handler_input, {"kind": "reminder_cancel", "ask": choices, "any": False})
        return response


def _delete(handler_input, token):
    """Delete one reminder (gone already counts as deleted) and forget its token:
    None, or the spoken answer to the API's refusal."""
    from ask_sdk_model.services import ServiceException
    service = handler_input.service_client_factory.get_reminder_management_service()
    try:
        service.delete_reminder(token)
    except ServiceException as exc:
        if _status(exc) != 404:             # 404: already gone
            return _api_error(handler_input, exc)
    except Exception as exc:
        logger().warning("reminder not cancelled: %s", type(exc).__name__)
        return say_notice(handler_input, words_for(handler_input)["reminder_unreachable"])
    memory(handler_input).drop_reminders([token])
    return None


def answer_cancel(handler_input, offer, yes):
    """'Yes' or 'no' to "shall I cancel the one ...?": that one is cancelled or
    kept, then the next one that matched is asked about, if any."""
    words = words_for(handler_input)
    current, rest = offer["ask"][0], offer["ask"][1:]
    if yes:
        failed = _delete(handler_input, current["token"])
        if failed is not None:
            return failed
        key = "reminder_cancelled_next" if rest else "reminder_cancelled_last"
    else:
        key = "reminder_kept_next" if rest else ("reminder_kept_last" if offer["any"] else "reminder_kept_all")
    response = say_notice(handler_input, words[key].format(done=current["say"],
                                                           next=rest[0]["say"] if rest else ""))
    if rest:
        _offer(handler_input, {"kind": "reminder_cancel", "ask": rest, "any": offer["any"] or yes})
    return response
