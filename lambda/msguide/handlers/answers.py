"""Handlers that answer a question from the content."""

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from ..content import default_content
from ..render import Say
from ..request import intent_name, resolved_slot, slots
from ..respond import reply, say_prompt, say_topic
from ..state import clean_thing
from ..understanding.carriers import as_asked, is_free_form
from ..understanding.policy import Reading
from ..understanding.question_form import claims_heat_was_called_safe, form_of


# The understanding's modules load with the first request that carries words,
# not at a cold LaunchRequest: the four of them cost 1.9 ms of every cold start
# (measured; their data is lazy as well).
def default_triage():
    from ..understanding.triage import default_triage as loaded  # lazy: 1.9 ms at cold start (measured)
    return loaded()


def default_understanding():
    from ..understanding.classifier import default_understanding as loaded  # lazy: 1.9 ms at cold start (measured)
    return loaded()


def default_search():
    from ..understanding.search import default_search as loaded  # lazy: 1.9 ms at cold start (measured)
    return loaded()


def default_soundalike():
    from ..understanding.soundalike import default_soundalike as loaded  # lazy: 1.9 ms at cold start (measured)
    return loaded()

# intent -> (slot name, slot type, topic when the slot is empty,
#            template topic for a value the content does not cover)
SLOT_INTENTS = {
    "SymptomIntent": ("symptom", "SYMPTOM", "which-symptoms", "symptom-not-covered"),
    "MassageTypeIntent": ("massage_type", "MASSAGE_TYPE", "best-kind", "technique-not-covered"),
    "HeatIntent": ("heat", "HEAT", "heat-sensitivity", "heat-other"),
    "ConditionIntent": ("condition", "CONDITION", "massage-safe", "condition-not-covered"),
}


# a template topic ("my sources don't cover {thing}") heard without its thing
# -> the general topic of the same slot type
GENERAL_TOPIC = {unknown: empty for _slot, _type, empty, unknown in SLOT_INTENTS.values()}


def said_words(handler_input):
    """Every piece of words in an IntentRequest: each slot's spoken value,
    whether or not entity resolution matched it."""
    words = []
    for name, slot in slots(handler_input).items():
        value = getattr(slot, "value", None)
        if isinstance(value, str) and value.strip():
            words.append(as_asked(intent_name(handler_input), value) if name == "query" else value)
    return words


FREE_SLOTS = frozenset(["query"] + [spec[0] for spec in SLOT_INTENTS.values()])


def free_words(handler_input):
    """The words no slot list caught: the free-form query and every slot value
    entity resolution did not match (a matched value is a catalogued phrase the
    triage rules already know)."""
    found = []
    for name in slots(handler_input):
        if name not in FREE_SLOTS:      # dates, times, reminder tasks: not free words
            continue
        value, spoken = resolved_slot(handler_input, name)
        if spoken and spoken.strip() and (value is None or name == "query"):
            found.append(as_asked(intent_name(handler_input), spoken) if name == "query" else spoken)
    return found


def thing_for(spoken, value=None):
    """How a template answer names what the user asked about: the content's
    own wording for a known value ("saunas"), else their words, cleaned."""
    data = default_content()
    spoken = clean_thing(spoken)
    return data.say_for(spoken) or spoken or data.say_for(value) or value


def topic_for_words(words, slot_type):
    """A topic for words outside the slot's list: search limited to topics
    that own values of the same slot type (triage has already run)."""
    search = default_search()
    for topic, _score, _terms in search.rank(words):
        if any(s["type"] == slot_type for s in topic.slots) and not topic.template:
            return topic
    return None


# the calm tiers whose rules judge what an emergency would look like in their words
# (not overheating: its rule reads any heat word, and "on the shower floor and I can't
# lift her" is an emergency only the detector catches)
CALM_NOT_EMERGENCY = frozenset(("relapse",))


def urgent_check(handler_input, triage, words, topic):
    """The learned urgent detector after the rules (msguide.understanding.classifier.Detector):
    surely urgent -> the emergency or crisis topic; perhaps urgent -> the reply will
    lead with the number (request attribute "urgent_lean"), or get the urgent reply
    when no topic answers them ("urgent_guess": (class, probability)); else `topic` unchanged.
    Words placed in the past or long-standing ("since 2019") are never promoted to an
    emergency by the detector: the rules judged them; words holding an idiom ("the death
    of me") only when the detector is at least policy.urgent_idiom_at sure."""
    understanding = default_understanding()
    best_label, best = None, 0.0
    # signs over days read as a relapse are not promoted to an emergency either: the
    # emergency rules, read first, found no collapse or stroke in them ("he can't
    # hardly walk since the weekend")
    judged_calm = topic is not None and topic.id in CALM_NOT_EMERGENCY
    for text in words:
        said = triage.plain(text) or text
        label, probability = understanding.urgent(said)
        if label == "emergency" and (judged_calm or triage.past_or_ongoing(said)):
            continue
        if triage.has_idiom(text) and probability < understanding.policy.urgent_idiom_at:
            continue        # "this ramp will be the death of me": the rules read its meaning
        if probability > best:
            best_label, best = label, probability
    if best >= understanding.policy.urgent_sure_at:
        return default_content().get(best_label)
    if topic is None and understanding.policy.perhaps_urgent(best):   # a calm tier's rule knows better
        attributes = handler_input.attributes_manager.request_attributes
        attributes["urgent_guess"] = (best_label, best)
        if understanding.policy.leads_with_number(best):
            attributes["urgent_lean"] = best_label if best_label != "crisis" \
                or crisis_agreed(understanding, [triage.plain(text) or text for text in words]) \
                else "emergency"
    return topic


def weigh_self_harm(topic, words):
    """An emergency reply (from the rules or the detector) for words the urgent detector
    hears self-harm in. Its first reading (the likelier urgent class) being crisis at least
    policy.crisis_over_emergency_at sure gives the crisis reply, which also gives the
    emergency number first (so a wrong flip costs tone, never the number); the overdose
    reply, which names the crisis line already, is judged the same way. Short of that, a
    crisis probability alone of at least policy.crisis_line_with_emergency_at for any of
    the words keeps the emergency reply and names the crisis line too: unsure which kind
    of urgent the words are, the reply gives both. Any other topic unchanged."""
    if topic is None or topic.id not in ("emergency", "overdose") or not words:
        return topic
    understanding, triage, content = default_understanding(), default_triage(), default_content()
    plain = [triage.plain(text) or text for text in words]
    label, probability = understanding.urgent(plain[0])
    if label == "crisis" and probability >= understanding.policy.crisis_over_emergency_at:
        return content.get("crisis")
    if topic.id == "emergency" and any(understanding.crisis(text) >= understanding.policy.crisis_line_with_emergency_at
                                       for text in plain):
        return content.get("emergency-or-crisis")
    return topic


def crisis_agreed(understanding, words):
    """An unsure self-harm reading leads with the crisis line only when the topic
    classifier also ranks crisis among its first three for the words; otherwise the lead
    is the emergency number alone ("this heat is doing my head in" is not a crisis)."""
    return any("crisis" in [label for label, _p in understanding.probabilities(text)[:3]] for text in words)


class TriageWhatWasSaid(AbstractRequestHandler):
    """First of all handlers: any words that signal an emergency, a crisis,
    overheating, a relapse, a contraindication, or a medicine or diagnosis
    question get that answer, whichever intent carried them."""

    def can_handle(self, handler_input):
        words = said_words(handler_input)
        if not words:               # launch, yes/no, help...: nothing to triage, nothing loaded
            return False
        triage = default_triage()
        topic = triage.check(*words)
        free = free_words(handler_input)
        if free and (topic is None or not topic.emergency):
            # the urgent checks have their say before any calm tier answers
            topic = urgent_check(handler_input, triage, free, topic)
        topic = weigh_self_harm(topic, free)
        handler_input.attributes_manager.request_attributes["triage"] = topic
        return topic is not None

    def handle(self, handler_input):
        topic = handler_input.attributes_manager.request_attributes["triage"]
        if topic.define:            # "what is a relapse": the definition, not what to do in one
            for words in said_words(handler_input):
                topic = topic.asked(form_of(words, topic))
        return say_topic(handler_input, topic)


class AnswerTopicQuestion(AbstractRequestHandler):
    """Intents answered by exactly one topic ("does massage cure MS")."""

    def can_handle(self, handler_input):
        return intent_name(handler_input) in default_content().intent_topics

    def handle(self, handler_input):
        topic = default_content().intent_topics[intent_name(handler_input)]
        return say_topic(handler_input, topic)


class AnswerSlotQuestion(AbstractRequestHandler):
    """A symptom, kind of massage, heat source or health condition."""

    def can_handle(self, handler_input):
        return intent_name(handler_input) in SLOT_INTENTS

    def handle(self, handler_input):
        slot_name, slot_type, empty_id, unknown_id = SLOT_INTENTS[intent_name(handler_input)]
        data = default_content()
        value, spoken = resolved_slot(handler_input, slot_name)
        topic = data.topic_for_slot(slot_type, value) if value else None
        if topic is not None:
            return say_topic(handler_input, topic, thing=thing_for(spoken, value))
        if not spoken:
            return say_topic(handler_input, data.get(empty_id))
        heard = default_soundalike().respell(spoken)          # a misheard name, by sound
        known = data.value_for(slot_type, heard)
        if known is not None:
            return say_topic(handler_input, data.topic_for_slot(slot_type, known), thing=thing_for(heard, known))
        topic = topic_for_words(heard, slot_type)
        if topic is not None:
            return say_topic(handler_input, topic)
        return say_topic(handler_input, data.get(unknown_id), thing=clean_thing(spoken))


class AnswerResearchQuestion(AbstractRequestHandler):
    """What the research says, in general or about one symptom."""

    def can_handle(self, handler_input):
        return intent_name(handler_input) == "ResearchIntent"

    def handle(self, handler_input):
        data = default_content()
        value, _spoken = resolved_slot(handler_input, "symptom")
        symptom = data.topic_for_slot("SYMPTOM", value) if value else None
        if symptom is not None and symptom.research:
            return say_topic(handler_input, data.get(symptom.research))
        return say_topic(handler_input, data.get("research-overview"))


class AnswerFreeFormQuestion(AbstractRequestHandler):
    """Words no specific intent captured (triage has already run on them):
    answer when sure, ask back when unsure, and say honestly when the
    question is outside the fact sheet or outside massage and MS."""

    def can_handle(self, handler_input):
        return is_free_form(intent_name(handler_input))

    def handle(self, handler_input):
        _value, words = resolved_slot(handler_input, "query")
        if not words:
            return say_prompt(handler_input, "unknown")
        triage = default_triage()
        words = as_asked(intent_name(handler_input), triage.plain(words) or words)
        words = default_soundalike().respell(words)        # "shiatsoo" -> "shiatsu"
        search = default_search()
        reading = default_understanding().read(words, lexical=search.best_id,
                                               calm=triage.past_or_ongoing(words), named=search.names)
        uncovered, named = search.uncovered_name(words)
        if uncovered is not None and reading.outcome != "offtopic":
            chosen = default_content().get(reading.topic_id) if reading.topic_id else None
            if chosen is None or chosen.group != "techniques" or chosen.template:
                # a therapy the sheet does not cover is named: say so, never the nearest topic
                return say_topic(handler_input, uncovered, thing=thing_for(named))
        dated = search.year_topic(words)
        if dated is not None and reading.outcome in ("answer", "confirm", "not_covered"):
            reading = Reading("answer", dated.id, reading.confidence, reading.ranked)   # "the 2020 study"
        guess = handler_input.attributes_manager.request_attributes.get("urgent_guess")
        if guess and default_understanding().policy.urgent_when_unanswered(guess[1], reading.outcome):
            return say_topic(handler_input, weigh_self_harm(default_content().get(guess[0]), [words]))  # lean toward help
        if reading.outcome in ("answer", "confirm"):
            topic = weigh_self_harm(default_content().get(reading.topic_id), [words])
            if topic.research and default_understanding().asks_for_research(words):
                topic = default_content().get(topic.research)     # "... according to research": its study
            thing = None
            if topic.template:
                found = search.thing_in(topic, words)
                thing = thing_for(found) if found else None
                if thing is None:       # "my sources don't cover {thing}" needs its thing
                    topic = default_content().get(GENERAL_TOPIC[topic.id])
            if reading.outcome == "confirm":
                return reply(handler_input, Say(prompt="confirm", resume=topic))
            # answer the form of question asked: "what is a relapse" gets the definition,
            # "you said saunas were fine" the premise corrected first
            lead = "never_said_safe" if claims_heat_was_called_safe(words, topic) else None
            return say_topic(handler_input, topic.asked(form_of(words, topic)), thing=thing, lead=lead)
        return say_prompt(handler_input, reading.outcome)
