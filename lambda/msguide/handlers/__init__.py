"""Request handlers, one small class per thing a user can ask or do.

`request_handlers()` lists them in the order the SDK should try them;
`exception_handlers()` turns any unexpected error into a spoken apology.
A feature answers "yes" and "no" to its own offers (an OfferAnswer per offer
kind, before the generic HandleYes and HandleNo).
"""

from .answers import (
    AnswerFreeFormQuestion,
    AnswerResearchQuestion,
    AnswerSlotQuestion,
    AnswerTopicQuestion,
    TriageWhatWasSaid,
)
from .conversation import (
    AcceptMoreOffer,
    AcceptTopicOffer,
    CloseSkill,
    DeclineAnythingElse,
    GiveHelp,
    GiveMore,
    GoBack,
    HandleFallback,
    HandleNo,
    HandleYes,
    LaunchSkill,
    RepeatLast,
    StartOver,
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
from .privacy import AnswerForgetOffer, ForgetMe
from .reminders import (
    AcceptReminderOffer,
    AnswerAmOrPm,
    AnswerCancelOffer,
    AnswerPermissionRequest,
    AnswerReminderConfirm,
    CancelReminder,
    ListReminders,
    SetReminder,
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
        AcceptMoreOffer(),
        AcceptTopicOffer(),
        DeclineAnythingElse(),
        AcceptReminderOffer(),
        AnswerReminderConfirm(),
        AnswerAmOrPm(),
        AnswerCancelOffer(),
        AnswerForgetOffer(),
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
