"""Request handlers, one small class per thing a user can ask or do.

`request_handlers()` lists them in the order the SDK should try them;
`exception_handlers()` turns any unexpected error into a spoken apology.
A feature answers "yes" and "no" to its own offers (an @offer_answer handler
per offer kind, tried before the generic HandleYes and HandleNo).
"""

from .answers import (
    AnswerFreeFormQuestion,
    AnswerResearchQuestion,
    AnswerSlotQuestion,
    AnswerTopicQuestion,
    TriageWhatWasSaid,
)
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
from .preferences import ChangePreference, RepeatSlowly
from .privacy import ForgetMe, answer_forget_offer
from .reminders import (
    AnswerPermissionRequest,
    CancelReminder,
    ListReminders,
    SetReminder,
    accept_reminder_offer,
    answer_am_or_pm,
    answer_cancel_offer,
    answer_reminder_confirm,
)
from .screen import TouchScreen


def request_handlers():
    return [
        LaunchSkill(),
        TriageWhatWasSaid(),
        AnswerTopicQuestion(),
        AnswerSlotQuestion(),
        AnswerResearchQuestion(),
        AnswerFreeFormQuestion(),
        SetReminder(),
        ListReminders(),
        CancelReminder(),
        GiveHelp(),
        # "yes" and "no" to an offer, by its kind (each feature's own), then the generic ones
        accept_more_offer,
        accept_topic_offer,
        decline_anything_else,
        accept_reminder_offer,
        answer_reminder_confirm,
        answer_am_or_pm,
        answer_cancel_offer,
        answer_forget_offer,
        HandleYes(),
        HandleNo(),
        GiveMore(),
        RepeatLast(),
        GoBack(),
        StartOver(),
        CloseSkill(),
        # rarer requests after the common ones: every can_handle tried costs a few µs
        AnswerPermissionRequest(),
        TouchScreen(),
        ChangePreference(),
        RepeatSlowly(),
        ForgetMe(),
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
