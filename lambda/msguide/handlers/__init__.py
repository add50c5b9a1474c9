"""Request handlers, one small class per thing a user can ask or do.

`request_handlers()` lists them in the order the SDK should try them;
`exception_handlers()` turns any unexpected error into a spoken apology.
A feature answers "yes" and "no" to its own offers (an @offer_answer handler
per offer kind, tried before the generic HandleYes and HandleNo).
"""

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from .conversation import (
    CloseSkill,
    GiveHelp,
    GiveMore,
    GoBack,
    HandleFallback,
    HandleNo,
    HandleYes,
    LaunchSkill,
    RepeatLast,
    StartOver,
    accept_more_offer,
    accept_topic_offer,
    decline_anything_else,
)
from .lifecycle import (
    AcknowledgeEvent,
    ApologiseForError,
    EndSession,
    ForgetDisabledUser,
    LogSkillError,
    SaveMemory,
    SaveState,
)


class OnFirstUse(AbstractRequestHandler):
    """The handler `name` of the module `module` (beside this one), imported the
    first time the SDK asks it anything: a cold LaunchRequest is answered by
    LaunchSkill before any of these is asked, so it no longer pays for the
    understanding, reminders, privacy and screen modules (measured in
    docs/performance.md). `name` is a class (made once) or an @offer_answer
    instance. Once loaded, its own can_handle and handle are called directly."""

    def __init__(self, module, name):
        self.module, self.name = module, name

    def load(self):
        import importlib
        found = getattr(importlib.import_module("." + self.module, __name__), self.name)
        handler = found() if isinstance(found, type) else found
        self.can_handle, self.handle = handler.can_handle, handler.handle
        return handler

    def can_handle(self, handler_input):
        return self.load().can_handle(handler_input)

    def handle(self, handler_input):
        return self.load().handle(handler_input)

    def __repr__(self):
        return "OnFirstUse(%r, %r)" % (self.module, self.name)


def import_deferred():
    """Load every handler an OnFirstUse defers (a snapshot init, and the web door
    before it serves, pay them up front: msguide.snapstart.warm_up)."""
    for handler in request_handlers():
        if isinstance(handler, OnFirstUse):
            handler.load()


def request_handlers():
    return [
        LaunchSkill(),
        OnFirstUse("answers", "TriageWhatWasSaid"),
        OnFirstUse("answers", "AnswerTopicQuestion"),
        OnFirstUse("answers", "AnswerSlotQuestion"),
        OnFirstUse("answers", "AnswerResearchQuestion"),
        OnFirstUse("answers", "AnswerFreeFormQuestion"),
        OnFirstUse("reminders", "SetReminder"),
        OnFirstUse("reminders", "ListReminders"),
        OnFirstUse("reminders", "CancelReminder"),
        GiveHelp(),
        # "yes" and "no" to an offer, by its kind (each feature's own), then the generic ones
        accept_more_offer,
        accept_topic_offer,
        decline_anything_else,
        OnFirstUse("reminders", "accept_reminder_offer"),
        OnFirstUse("reminders", "answer_reminder_confirm"),
        OnFirstUse("reminders", "answer_am_or_pm"),
        OnFirstUse("reminders", "answer_cancel_offer"),
        OnFirstUse("privacy", "answer_forget_offer"),
        HandleYes(),
        HandleNo(),
        GiveMore(),
        RepeatLast(),
        GoBack(),
        StartOver(),
        CloseSkill(),
        # rarer requests after the common ones: every can_handle tried costs a few µs
        OnFirstUse("reminders", "AnswerPermissionRequest"),
        OnFirstUse("screen", "TouchScreen"),
        OnFirstUse("preferences", "ChangePreference"),
        OnFirstUse("privacy", "ForgetMe"),
        HandleFallback(),
        EndSession(),
        LogSkillError(),
        ForgetDisabledUser(),
        AcknowledgeEvent(),
    ]


def response_interceptors():
    return [SaveState(), SaveMemory()]


def exception_handlers():
    return [ApologiseForError()]
