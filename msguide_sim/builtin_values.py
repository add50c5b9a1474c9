"""Turn spoken words into the values Alexa sends for AMAZON.DATE and AMAZON.TIME.

A small, deliberate subset ("today", "tomorrow", weekday names; "ten",
"10 am", "half past two", "morning"...). Words it cannot read are sent as
they were said, which the skill must cope with anyway.
"""

import datetime
import re

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
MINUTES = {"fifteen": 15, "thirty": 30, "forty five": 45, "o'clock": 0, "oh five": 5}
PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "tonight": "NI"}


def resolve_date(words, today=None):
    today = today or datetime.date.today()
    said = " ".join(words.lower().split())
    said = re.sub(r"^(on|this|next|the) ", "", said)
    if said == "today":
        return today.isoformat()
    if said == "tomorrow":
        return (today + datetime.timedelta(days=1)).isoformat()
    if said.rstrip("s") in WEEKDAYS:
        days = (WEEKDAYS.index(said.rstrip("s")) - today.weekday()) % 7 or 7
        return (today + datetime.timedelta(days=days)).isoformat()
    return words


DURATION_UNITS = {"minute": "M", "minutes": "M", "min": "M", "mins": "M", "hour": "H", "hours": "H",
                  "day": "D", "days": "D"}


def resolve_duration(words):
    """'two hours' -> 'PT2H', 'an hour and a half'... only the simple shapes; else the words."""
    said = " ".join(words.lower().split())
    said = re.sub(r"^(in|for) ", "", said)
    match = re.fullmatch(r"(\d+|[a-z]+) (minutes?|mins?|hours?|days?)", said)
    if not match:
        return words
    count = match.group(1)
    count = int(count) if count.isdigit() else {"a": 1, "an": 1}.get(count, NUMBERS.get(count))
    if not count:
        return words
    unit = DURATION_UNITS[match.group(2)]
    return "P%dD" % count if unit == "D" else "PT%d%s" % (count, unit)


def resolve_time(words):
    said = " ".join(words.lower().replace(".", "").split())
    said = re.sub(r"^(at|in the|around) ", "", said)
    if said in PARTS_OF_DAY:
        return PARTS_OF_DAY[said]
    if said == "noon":
        return "12:00"
    match = re.fullmatch(r"(\d{1,2}|[a-z]+)(?:[: ](\d{2})| (fifteen|thirty|forty five|o'clock))?(?: ?(am|pm|in the morning|in the evening|in the afternoon))?", said)
    if not match:
        return words
    hour = int(match.group(1)) if match.group(1).isdigit() else NUMBERS.get(match.group(1))
    if hour is None or hour > 23:
        return words
    minute = int(match.group(2)) if match.group(2) else MINUTES.get(match.group(3) or "", 0)
    suffix = match.group(4) or ""
    if ("pm" in suffix or "evening" in suffix or "afternoon" in suffix) and hour < 12:
        hour += 12
    return "%02d:%02d" % (hour, minute)
