"""Reminders by voice against a local fake of the Alexa APIs (real HTTP on 127.0.0.1)."""

import datetime
import zoneinfo

import pytest

from alexa import Session, confirmed, ends_session, speech_text, turn as ask

WEEKLY_MASSAGE = {"task": ("go to my massage", "go to my massage"),
                  "recurrence": ("every week", "weekly"), "weekday": ("tuesday", "tuesday"),
                  "time": "10:00"}


def directives(response):
    return response["response"].get("directives") or []


def test_weekly_reminder_through_voice_consent_to_a_created_reminder(handler, fake_api):
    fake_api.granted = False
    session = Session(api=fake_api)
    asked = confirmed(handler, session, session.intent("SetReminderIntent", **WEEKLY_MASSAGE))
    # the API says "no permission": Alexa is asked to ask the user, by voice
    assert fake_api.reminders == {}
    (directive,) = directives(asked)
    assert directive["type"] == "Connections.SendRequest" and directive["name"] == "AskFor"
    assert directive["payload"]["permissionScope"] == "alexa::alerts:reminders:skill:readwrite"
    assert "outputSpeech" not in asked["response"]
    # ... the user says yes to Alexa; the skill gets the answer and sets the pending reminder
    session.reminders_permission = "GRANTED"
    fake_api.granted = True
    done = ask(handler, session, session.permission_answer("ACCEPTED", token=directive["token"]))
    text = speech_text(done)
    assert "every Tuesday at 10 AM to go to your massage" in text
    assert text.endswith("?") and not ends_session(done)
    (body,) = fake_api.reminders.values()
    trigger = body["trigger"]
    assert trigger["timeZoneId"] == "America/Los_Angeles"
    assert trigger["recurrence"]["recurrenceRules"] == [
        "FREQ=WEEKLY;BYDAY=TU;BYHOUR=10;BYMINUTE=0;BYSECOND=0;INTERVAL=1"]
    assert "scheduledTime" not in trigger and "freq" not in trigger["recurrence"]
    first = datetime.datetime.fromisoformat(trigger["recurrence"]["startDateTime"])
    assert first.weekday() == 1 and (first.hour, first.minute) == (10, 0)
    now_la = datetime.datetime.now(zoneinfo.ZoneInfo("America/Los_Angeles")).replace(tzinfo=None)
    assert now_la < first <= now_la + datetime.timedelta(days=7)
    assert "massage" in body["alertInfo"]["spokenInfo"]["content"][0]["text"]
    assert all(auth == "Bearer fake-api-access-token" for _m, _p, auth in fake_api.calls)


def test_denied_consent_gets_a_polite_explanation_and_an_app_card(handler, fake_api):
    session = Session(api=fake_api, reminders_permission="DENIED")
    asked = confirmed(handler, session, session.intent("SetReminderIntent", task=("book a massage", "book a massage")))
    assert directives(asked)[0]["name"] == "AskFor"
    assert [c for c in fake_api.calls if c[0] == "POST"] == []     # a denied scope is not even tried
    answer = ask(handler, session, session.permission_answer("DENIED"))
    text = speech_text(answer)
    assert "won't set a reminder" in text and "Alexa app" in text
    assert answer["response"]["card"]["type"] == "AskForPermissionsConsent"
    assert not ends_session(answer)
    assert fake_api.reminders == {}


def test_not_answered_is_treated_like_denied(handler, fake_api):
    session = Session(api=fake_api, reminders_permission="DENIED")
    confirmed(handler, session, session.intent("SetReminderIntent", task=("book a massage", "book a massage")))
    answer = ask(handler, session, session.permission_answer("NOT_ANSWERED"))
    assert "won't set a reminder" in speech_text(answer)


def test_one_off_reminder_tomorrow(handler, fake_api):
    session = Session(api=fake_api, reminders_permission="GRANTED")
    tomorrow = (datetime.datetime.now(zoneinfo.ZoneInfo("America/Los_Angeles")).date()
                + datetime.timedelta(days=1)).isoformat()
    done = confirmed(handler, session, session.intent(
        "SetReminderIntent", task=("ask my doctor if massage is safe for me", "ask my doctor if massage is safe for me"),
        date=tomorrow))
    assert "tomorrow at 10 AM to ask your doctor whether massage is safe for you" in speech_text(done)
    (body,) = fake_api.reminders.values()
    assert body["trigger"]["scheduledTime"].startswith(tomorrow + "T10:00")
    assert "recurrence" not in body["trigger"]


def test_yes_remind_me_after_an_answer_that_offers_one(handler, fake_api):
    session = Session(api=fake_api, reminders_permission="GRANTED")
    ask(handler, session, session.intent("BeforeBookingIntent"))
    offer = speech_text(ask(handler, session, session.intent("AMAZON.YesIntent")))     # the longer answer
    assert "Would you like me to remind you to book a massage?" in offer
    done = confirmed(handler, session, session.intent("AMAZON.YesIntent"))
    assert "to book a massage" in speech_text(done) and "I'll remind you" in speech_text(done)
    assert len(fake_api.reminders) == 1


def test_remind_me_without_a_task_uses_the_last_topic_or_asks_which(handler, fake_api):
    session = Session(api=fake_api, reminders_permission="GRANTED")
    which = ask(handler, session, session.intent("SetReminderIntent"))
    assert "I can remind you to" in speech_text(which) and fake_api.reminders == {}
    ask(handler, session, session.intent("TellTherapistIntent"))
    done = confirmed(handler, session, session.intent("SetReminderIntent"))
    assert "tell your therapist about your symptoms" in speech_text(done)


@pytest.mark.parametrize("status, expected", [
    (400, "couldn't set a reminder for that time"),
    (429, "too many reminders"),
    (500, "not sure that reminder was set"),
    (503, "not sure that reminder was set"),
    ("timeout", "not sure that reminder was set"),
])
def test_every_failure_is_a_short_apology_and_never_a_confirmation(handler, fake_api, status, expected):
    fake_api.create_status = status
    session = Session(api=fake_api, reminders_permission="GRANTED")
    response = confirmed(handler, session, session.intent("SetReminderIntent", **WEEKLY_MASSAGE))
    text = speech_text(response)
    assert expected in text
    assert "I'll remind you" not in text and "Done" not in text
    assert not ends_session(response)


@pytest.mark.parametrize("status", [401, 403])
def test_revoked_permission_asks_once(handler, fake_api, status):
    fake_api.create_status = status
    session = Session(api=fake_api, reminders_permission="GRANTED")
    response = confirmed(handler, session, session.intent("SetReminderIntent", **WEEKLY_MASSAGE))
    assert directives(response)[0]["name"] == "AskFor"


def test_a_time_already_past_is_refused(handler, fake_api):
    session = Session(api=fake_api, reminders_permission="GRANTED")
    response = ask(handler, session, session.intent(
        "SetReminderIntent", task=("book a massage", "book a massage"), date="2020-01-01"))
    assert "already passed" in speech_text(response) and fake_api.reminders == {}


def test_list_and_cancel_the_skills_own_reminders(handler, fake_api):
    session = Session(api=fake_api, reminders_permission="GRANTED")
    confirmed(handler, session, session.intent("SetReminderIntent", **WEEKLY_MASSAGE))
    confirmed(handler, session, session.intent("SetReminderIntent", task=("book a massage", "book a massage")))
    listed = speech_text(ask(handler, session, session.intent("ListRemindersIntent")))
    assert "2 reminders" in listed and "to go to your massage" in listed and "to book a massage" in listed
    cancelled = speech_text(ask(handler, session, session.intent(
        "CancelReminderIntent", task=("go to my massage", "go to my massage"))))
    assert "cancelled one reminder: to go to your massage" in cancelled
    assert len(fake_api.reminders) == 1
    listed = speech_text(ask(handler, session, session.intent("ListRemindersIntent")))
    assert "one reminder" in listed and "book a massage" in listed
    nothing = speech_text(ask(handler, session, session.intent(
        "CancelReminderIntent", task=("go to my massage", "go to my massage"))))
    assert "can't find a reminder" in nothing


def test_listing_without_permission_asks_for_it_and_never_creates_anything(handler, fake_api):
    session = Session(api=fake_api)
    session.api_token = "token-without-permission"          # the fake answers 401
    asked = ask(handler, session, session.intent("ListRemindersIntent"))
    assert directives(asked)[0]["name"] == "AskFor"
    session.api_token = "fake-api-access-token"
    answer = ask(handler, session, session.permission_answer("ACCEPTED"))
    assert "I can remind you to" in speech_text(answer)
    assert fake_api.reminders == {}


def test_no_reminders_listed(handler, fake_api):
    session = Session(api=fake_api, reminders_permission="GRANTED")
    assert "don't have any reminders" in speech_text(handler(session.intent("ListRemindersIntent"), None))


def test_the_manifest_declares_the_permission_and_events():
    import json
    import os

    from conftest import ROOT
    manifest = json.load(open(os.path.join(ROOT, "skill-package", "skill.json")))["manifest"]
    assert {"name": "alexa::alerts:reminders:skill:readwrite"} in manifest["permissions"]
    events = {e["eventName"] for e in manifest["events"]["subscriptions"]}
    assert "SKILL_DISABLED" in events
