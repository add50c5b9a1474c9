"""Reminders by voice: set, list, cancel, and the permission conversation.

What to remind and when is msguide.reminders.plan; the Reminders and Settings
API calls are msguide.reminders.api; the permission's directive, token and card
are msguide.reminders.consent. This module reads the slots, calls those, and
speaks; its @offer_answer handlers answer "yes" and "no" to its own questions
("should I set it for 3 PM?", "shall I set it?", "shall I cancel the one ...?",
a topic's "shall I remind you ...?"). Every API answer is handled, and nothing is ever confirmed that
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

import datetime
import time

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model.services import ServiceException

from ..content import default_content
from ..logs import logger, printable
from ..memory import memory
from ..reminders import api, consent, plan as plans
from ..reminders.plan import Plan
from ..request import locale, permission_status, request_type, resolved_slot
from ..respond import say_notice, words_for
from ..state import session_state
from .conversation import YES, offer_answer


def ask_for_permission(handler_input, plan=None):
    """Have Alexa ask the user, by voice, for the permission; the plan (if the
    user was setting a reminder) rides in the token and in memory."""
    session_state(handler_input).asked = True
    memory(handler_input).set("pending_reminder", plan.to_dict() if plan else None)
    return handler_input.response_builder.add_directive(consent.ask_directive(plan)).response


def explain_permission(handler_input):
    """Permission missing after it was asked for: explain once, send the card, never loop."""
    return say_notice(handler_input, words_for(handler_input)["reminder_permission_trouble"],
                      card=consent.consent_card())


def need_permission(handler_input, plan=None):
    if session_state(handler_input).asked or request_type(handler_input) == "Connections.Response":
        memory(handler_input).set("pending_reminder", None)
        return explain_permission(handler_input)
    return ask_for_permission(handler_input, plan)


def _api_error(handler_input, exc, plan=None, stage="other"):
    """The spoken answer to a failed API call (or a permission request). `stage`:
    "create" (the reminder may exist), "before" (nothing was sent) or "other"."""
    status = api.status(exc)
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


def _remember(handler_input, token, plan, first, now_local):
    """Keep the token of a reminder we made, until its last firing (forever if it repeats)."""
    remembered = memory(handler_input)
    remembered.set("pending_reminder", None)
    if not token:
        return
    entry = {"token": token}                # the identifier only: the words live in Alexa's reminder
    last = plans.until(plan, first)
    if last is not None:
        entry["until"] = int(time.time() + (last - now_local).total_seconds()) + 60
    remembered.add_reminder(entry)


def schedule_or_refusal(handler_input, plan):
    """((time zone, UTC now, local now, first firing), None), or (None, the spoken
    refusal): a time already past, the Settings API failing, an unknown time
    zone. Nothing was sent to the Reminders API yet."""
    words = words_for(handler_input)
    try:
        time_zone, now_utc, now_local = api.device_clock(handler_input)
        return (time_zone, now_utc, now_local, plans.first_occurrence(plan, now_local)), None
    except plans.PlanError:
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
            say=plans.reminder_of(plan.task)["say"], task=_first_person(plan.task)))
    schedule, refusal = schedule_or_refusal(handler_input, plan)
    if refusal is not None:
        return refusal
    _zone, _utc, now_local, first = schedule
    return say_notice(handler_input, words["reminder_confirm"].format(
        when=plans.describe(plan, first, now_local), say=plans.reminder_of(plan.task)["say"]),
        offer={"kind": "reminder_confirm", "plan": plan.to_dict()})


def _first_person(task):
    return task[len(plans.OWN):] if task.startswith(plans.OWN) else task


@offer_answer("reminder_confirm")
def answer_reminder_confirm(handler_input, offer, yes):
    """'Yes' to "... Shall I set it?" sets it; 'no' sets nothing and says how to ask again."""
    if yes:
        return set_reminder(handler_input, plans.plan_from_pending(offer["plan"]))
    return say_notice(handler_input, words_for(handler_input)["reminder_change"].format(
        task=_first_person(offer["plan"]["task"])))


def set_reminder(handler_input, plan):
    """Create the reminder, or ask for permission, or say truthfully why not."""
    words = words_for(handler_input)
    if plan.vague:
        return confirm_reminder(handler_input, plan)
    if permission_status(handler_input, consent.SCOPE) == "DENIED":
        return need_permission(handler_input, plan)
    schedule, refusal = schedule_or_refusal(handler_input, plan)
    if refusal is not None:
        return refusal
    time_zone, now_utc, now_local, first = schedule
    request = api.reminder_request(plan, first, time_zone, locale(handler_input) or "en-US", now_utc)
    confirmation = words["reminder_set"].format(when=plans.describe(plan, first, now_local),
                                               say=plans.reminder_of(plan.task)["say"])
    text = plans.reminder_of(plan.task)["text"]
    try:                                    # a retry after a timeout: the first one may exist
        existing = [a for a in api.alerts(handler_input)
                    if api.alert_text(a) == text and api.same_time(a, request)]
    except Exception:
        existing = []
    if existing:
        _remember(handler_input, existing[0].alert_token, plan, first, now_local)
        return say_notice(handler_input, confirmation)
    try:
        created = api.create(handler_input, request)
    except ServiceException as exc:
        return _api_error(handler_input, exc, plan, stage="create")
    except Exception as exc:
        logger().warning("reminder create failed: %s", type(exc).__name__)
        key = "reminder_unsure" if api.timed_out(exc) else "reminder_unavailable"
        return say_notice(handler_input, words[key])
    _remember(handler_input, getattr(created, "alert_token", None), plan, first, now_local)
    return say_notice(handler_input, confirmation)


def _task_from(handler_input, slot="task"):
    """The task asked for (one of the content's, or the user's own words), else
    the one the last offer or topic suggests, else None."""
    value, spoken = resolved_slot(handler_input, slot)
    if plans.known_task(value):
        return value
    if spoken and plans.own_task(spoken):
        return plans.own_task(spoken)
    state = session_state(handler_input)
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
        def slot(name):
            return resolved_slot(handler_input, name)
        plan = plans.plan_from_slots(
            task, date=slot("date")[1], time=slot("time")[1], recurrence=slot("recurrence")[0],
            weekday=slot("weekday")[0], weekday_spoken=slot("weekday")[1],
            weekly_on=slot("weekly_on")[0], after=slot("after")[1])
        if not plan.vague and plans.early_hour(plan):
            return ask_am_or_pm(handler_input, plan)
        return confirm_reminder(handler_input, plan)


def ask_am_or_pm(handler_input, plan):
    """'At three' arrives as 03:00: ask before setting a reminder for the small hours."""
    words = words_for(handler_input)
    pm = plans.moved_by(plan, 12)

    def clock(p):
        return plans.clock(datetime.datetime(2000, 1, 1, *p.time))
    return say_notice(handler_input, words["reminder_am_or_pm"].format(am=clock(plan), pm=clock(pm)),
                      offer={"kind": "reminder_time", "plan": pm.to_dict()})


@offer_answer("reminder_time")
def answer_am_or_pm(handler_input, offer, yes):
    """'Yes' to "should I set it for 3 PM?": the afternoon plan the offer holds;
    'no': the same, twelve hours earlier. Either way, then the one confirmation turn."""
    plan = plans.plan_from_pending(offer["plan"])
    return confirm_reminder(handler_input, plan if yes else plans.moved_by(plan, -12))


@offer_answer("reminder", intents=(YES,))
def accept_reminder_offer(handler_input, offer, yes):
    """'Yes' to "shall I remind you to ...?" (a topic's offer): the confirmation turn."""
    return confirm_reminder(handler_input, Plan(offer["task"]))


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
        pending = consent.plan_from_token(getattr(request, "token", None)) or remembered.get("pending_reminder")
        if status == "ACCEPTED" and pending:
            return set_reminder(handler_input, plans.plan_from_pending(pending))
        remembered.set("pending_reminder", None)
        if status == "ACCEPTED":            # granted while listing or cancelling
            return _which(handler_input)
        return say_notice(handler_input, words["reminder_denied"], card=consent.consent_card())


def _listed(items, last=" and "):
    """'a', 'a and b', 'a, b and c' (or another joiner before the last item)."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + last + items[-1]


def _count(number):
    return "one reminder" if number == 1 else "%d reminders" % number


def _named(alert):
    """'to book a massage tomorrow at 3 PM': what it reminds, then when (so two are told apart)."""
    task = api.task_of(alert)
    if task:
        name = "to " + plans.reminder_of(task)["say"]
    else:
        text = " ".join(api.alert_text(alert).split())[:80]
        name = 'one that says "%s"' % text if text else "one without a message"
    when = api.when(alert)
    return "%s %s" % (name, when) if when else name


class ListReminders(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name("ListRemindersIntent")(handler_input)

    def handle(self, handler_input):
        words = words_for(handler_input)
        try:
            alerts = api.alerts(handler_input)
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
        words = words_for(handler_input)
        value, spoken = resolved_slot(handler_input, "task")
        task = value if plans.known_task(value) else plans.own_task(spoken)
        try:                                # what exists, from the API (memory keeps no words to match)
            alerts = api.alerts(handler_input)
            wanted = plans.reminder_of(task)["text"] if task else None
            targets = [{"token": a.alert_token, "say": _named(a)} for a in alerts
                       if wanted is None or api.alert_text(a) == wanted]
        except ServiceException as exc:
            return _api_error(handler_input, exc)
        except Exception as exc:
            logger().warning("reminders not listed for cancelling: %s", type(exc).__name__)
            return say_notice(handler_input, words["reminder_unreachable"])
        if not targets:
            say = plans.reminder_of(task)["say"] if task else "do anything"
            return say_notice(handler_input, words["reminder_cancel_none"].format(say=say))
        if len(targets) == 1:
            failed = _delete(handler_input, targets[0]["token"])
            if failed is not None:
                return failed
            return say_notice(handler_input, words["reminder_cancelled"].format(
                count=_count(1), items=targets[0]["say"]))
        choices = plans.clean_choices(targets[:plans.MAX_CHOICES])
        if choices is None:                 # a token or a text we would not carry: ask nothing
            return say_notice(handler_input, words["reminder_unreachable"])
        return say_notice(handler_input, words["reminder_cancel_which"].format(
            count=_count(len(targets)), items=_listed([t["say"] for t in targets]),
            first=choices[0]["say"]), offer={"kind": "reminder_cancel", "ask": choices, "any": False})


def _delete(handler_input, token):
    """Delete one reminder (gone already counts as deleted) and forget its token:
    None, or the spoken answer to the API's refusal."""
    try:
        api.delete(handler_input, token)
    except ServiceException as exc:
        if api.status(exc) != 404:             # 404: already gone
            return _api_error(handler_input, exc)
    except Exception as exc:
        logger().warning("reminder not cancelled: %s", type(exc).__name__)
        return say_notice(handler_input, words_for(handler_input)["reminder_unreachable"])
    memory(handler_input).drop_reminders([token])
    return None


@offer_answer("reminder_cancel")
def answer_cancel_offer(handler_input, offer, yes):
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
    follow = {"kind": "reminder_cancel", "ask": rest, "any": offer["any"] or yes} if rest else None
    return say_notice(handler_input, words[key].format(done=current["say"],
                                                       next=rest[0]["say"] if rest else ""), offer=follow)
