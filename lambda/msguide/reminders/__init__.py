"""Reminders: the plan, the Alexa APIs that set it, and the user's consent.

    plan      what to remind and when, as data (pure: slot values -> Plan ->
              first firing, RRULE, words)
    api       the Reminders and Settings API calls through the SDK's service
              clients, and reading what they answer
    consent   the reminders permission: its scope, the AskFor directive and the
              token that carries the waiting plan, the consent card

The handlers (msguide.handlers.reminders) read slots, call these and speak;
nothing here speaks.
"""
