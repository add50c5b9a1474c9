"""Request handlers, one small class per thing a user can ask or do.

`request_handlers()` lists them in the order the SDK should try them;
`exception_handlers()` turns any unexpected error into a spoken apology.
"""

from .answers import (AnswerFreeFormQuestion, AnswerResearchQuestion,
                      AnswerSlotQuestion, AnswerTopicQuestion, TriageWhatWasSaid)
from .conversation import (CloseSkill, GiveHelp, GiveMore, GoBack, HandleFallback,
                           HandleNo, HandleYes, LaunchSkill, RepeatLast,
                           StartOver)
from .lifecycle import (AcknowledgeEvent, ApologiseForError, EndSession,
                        ForgetDisabledUser, LogSkillError, SaveMemory)
from .preferences import ChangePreference, RepeatSlowly
from .privacy import ForgetMe
from .screen import TouchScreen
from .reminders import AnswerPermissionRequest, CancelReminder, ListReminders, SetReminder


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
    return [SaveMemory()]


def exception_handlers():
    return [ApologiseForError()]
