"""Safety triage: rules as data, run first on every piece of words, through real envelopes."""

import copy
import json
import re

import pytest

from alexa import Session, ends_session, speech_text
from msguide.content import ContentError, default_content
from msguide.understanding import triage as triage_module

RAW = json.load(open(triage_module.TRIAGE_FILE, encoding="utf-8"))
TRIAGE = triage_module.load()


def topic_id(words):
    topic = TRIAGE.check(words)
    return topic.id if topic else None


# ------------------------------------------------------------------ the data

@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["tiers"][0]["rules"][0].update(all=["(unclosed"]), "is not valid"),
    (lambda d: d["tiers"][0].update(topic="nowhere"), "unknown topic 'nowhere'"),
    (lambda d: d["tiers"][1]["rules"][0].update(all=["<nothing> at all"]), "unknown vocabulary <nothing>"),
    (lambda d: d["tiers"][1]["rules"][0].update(sometimes=["x"]), "unknown field(s) sometimes"),
    (lambda d: d["tiers"][1]["rules"][0].update(all=[]), "non-empty 'all'"),
    (lambda d: d["idioms"].append("no meaning given"), "[pattern, plain meaning]"),
])
def test_a_bad_rule_fails_at_load_naming_file_tier_and_rule(mutate, message):
    data = copy.deepcopy(RAW)
    mutate(data)
    with pytest.raises(ContentError) as caught:
        triage_module.Triage(data, default_content(), "triage.json")
    assert message in str(caught.value) and str(caught.value).startswith("triage.json: ")


def test_tiers_are_in_order_of_urgency_and_point_at_real_topics():
    names = [t["name"] for t in RAW["tiers"]]
    assert [n for i, n in enumerate(names) if n not in names[:i]][:4] == ["crisis", "emergency", "overheating", "relapse"]
    assert default_content().get("crisis").emergency and default_content().get("emergency").emergency


# ------------------------------------------------------------------ the tiers

@pytest.mark.parametrize("words, expected", [
    ("my face is drooping and my speech is slurred", "emergency"),
    ("my chest hurts", "emergency"),
    ("i suddenly can't see out of one eye", "emergency"),
    ("i took too many pills", "overdose"),            # an emergency that also names the crisis line
    ("i fell down the stairs and my arm really hurts", "emergency"),
    ("i don't want to live anymore", "crisis"),
    ("i want to end it all", "crisis"),
    ("everyone would be better off without me", "crisis"),
    ("i've been hurting myself", "crisis"),
    ("my vision went blurry in the hot tub", "overheating"),
    ("could this be a relapse my balance has been off for two days", "relapse"),
    ("i have a pressure sore can the therapist massage it", "broken-skin"),
    ("can i have a massage with a clot in my calf", "blood-clot"),
    ("is massage better than my disease modifying therapy", "medication"),
    ("how many ibuprofen can i take after a massage", "medication"),
    ("my hands keep tingling do i have ms", "diagnosis"),
    # "often" and "a lot" in a massage question are not a long-standing pattern
    ("how often should mum have a massage wait she's gone clammy and says her chest is crushing", "emergency"),
    ("he's sweating a lot and says his chest is paining badly", "emergency"),
    # a false premise is corrected first: the cure answer
    ("how many sessions until my ms is gone", "cure"),
    ("can massage reverse my lesions", "cure"),
    ("will it stop his ms from getting worse", "cure"),
    # a farewell by giving things away, a plan not to be around
    ("i've started giving my things away to the grandkids", "crisis"),
    ("no point booking anything i'm not planning on being around much longer", "crisis"),
    # an intent not to wake, a place to jump from
    ("i took everything in the cabinet so i won't wake up", "crisis"),
    ("i'm sitting on the ledge and i can't do this", "crisis"),
    # the farewell is read as said, before "message" is respelled for the answer
    ("this is my last message to you all", "crisis"),
    # a negated word does not undo a real emergency elsewhere in the words
    ("it's not an emergency but he fell and can't get up", "emergency"),
    # a person who will kill is a threat, not an idiom
    ("the guy next door is gonna kill me", "emergency"),
    # regional English (Scots, dropped g) reaches the same rules
    ("she's shakin aw ower an her eyes are rolled back in her heid", "emergency"),
    ("ah cannae keep goin like this ah've been savin up ma tablets in a drawer", "crisis"),
    ("no point living like this i've made up my mind", "crisis"),
    ("he didn't faint he just collapsed on the floor", "emergency"),
    # a poison bought with nothing to poison; a last month decided; assisted dying looked into
    ("she keeps asking me to pick up some weed killer and we don't even have a garden with weeds", "crisis"),
    ("i've made my decision this will be my last summer", "crisis"),
    ("been reading about dignitas and how to get there", "crisis"),
    # a threat said the regional way; an electric shock
    ("my ex is outside the door yelling he'll do me in", "emergency"),
    ("dad got a jolt off a bare wire and he's not right", "emergency"),
    # a heat flare-up with weakness said in everyday words is overheating, not an emergency
    ("we were roasting in the car and now her legs have gone to jelly", "overheating"),
    # a question that starts "why" is not a report ("^why " ends in a space: it must still match)
    ("why does a warm day make her legs go weak", None),
    # a named disease-modifying drug stopped or started, "have i got ms", "what's causing it"
    ("can she pause her kesimpta for the massage week", "medication"),
    ("have i got ms or is it just stress", "diagnosis"),
    ("his fingers keep twitching what's causing that", "diagnosis"),
    ("does my brother have m s he's numb all the time", "diagnosis"),
    # the disease said going away is a false premise
    ("will the sclerosis go away if i keep going to massage", "cure"),
    # a will made so nobody need worry; things given to "me brother"
    ("i've done me will so the kids have nothing to worry about", "crisis"),
    ("handed my tools over to me brother i won't be needing them", "crisis"),
    # worse over "this past week" is a relapse
    ("her walking has got much worse this past week", "relapse"),
    # a question about what a massage or a medicine will do to someone is no threat
    ("is a firm massage gonna hurt her with her blood thinners", "blood-thinners"),
    ("will the baclofen make him too floppy for the massage table", "medication"),
    # a carbon monoxide alarm with symptoms, a chemical in the eye, a person gone blue
    ("the co alarm keeps going off and mum's gone drowsy", "emergency"),
    ("some drain cleaner splashed into his eye", "emergency"),
    ("quick help her lips are going blue", "emergency"),
    # heat as a method; a friend's suicide understood
    ("the heat will do the rest if i just stay in the sauna", "crisis"),
    ("my cousin took his own life last spring and now i understand why he did it", "crisis"),
    # weakness on one side over a whole week is a relapse sign; a rib broken weeks back a contraindication
    ("his left leg has been weak and dragging this whole week", "relapse"),
    ("she broke a rib a few weeks back can she have a massage", "fracture"),
    ("tell my daughter i'm sorry when she finds me", "crisis"),
    # "kill myself" with a condition or a means is never read as straining oneself
    ("i'm going to kill myself if this goes on", "crisis"),
    ("going to kill myself with his tablets", "crisis"),
    # how many pills it would take, also when a "how" carrier dropped the "how"
    ("how many paracetamol would it take to make it all stop", "crisis"),
    ("many paracetamol would it take to make it all stop", "crisis"),
    ("what's the point i already decided i'm finished", "crisis"),
    ("my dad was hit by a bus", "emergency"),
    ("mum got knocked down by a car outside the shop", "emergency"),
    # an idiom replaced ("tired to death" -> "really fed up") keeps what it is fed up of
    ("i'm tired to death of being alive", "crisis"),
    ("i shan't be here for my next birthday so don't bother", "crisis"),
    ("he cracked his collarbone falling off his bike can he still have a back massage", "fracture"),
    # "worse than last week" compares, it does not date the change; a "since" carrier took "since"
    ("her arm's been numb for three days and worse than last week", "relapse"),
    ("tuesday his right leg went weak and it's still dragging", "relapse"),
    # round twelve: plans, drops, gifts, farewells and doors said without the textbook words
    ("i know how i'll finish it when the time comes", "crisis"),
    ("once i can't walk i've got a way out", "crisis"),
    ("i go up the quarry most nights and stare at the drop", "crisis"),
    ("burning myself is all that helps now", "crisis"),
    ("i handed my neighbour my dog and all my tools yesterday", "crisis"),
    ("don't want the carer coming round until it's over", "crisis"),
    ("shook hands with the lads at the club for the last time if you know what i mean", "crisis"),
    ("i'd sooner just never wake up", "crisis"),
    ("keep speeding down the coast road hoping i don't make the bend", "crisis"),
    ("he came to on the floor and his tongue is bleeding", "emergency"),
    ("she's clutchin at her chest and gone grey", "emergency"),
    ("grandad's roasting hot and suddenly doesn't know who i am", "emergency"),
    ("the baby drank some of the tea tree oil", "emergency"),
    ("my boy's throwin up blood", "emergency"),
    ("no aircon on the bus and now my legs have gone weak and my eyes are blurry", "overheating"),
    ("monday ma legs went numb and it's worse every day", "relapse"),
    ("is it the ms giving me these headaches", "diagnosis"),
    ("are my hands shaking because of my ms", "diagnosis"),
    ("honestly i'm just done being alive", "crisis"),
    ("quick question about reiki oh god my wife's just keeled over", "emergency"),
    ("bahut garmi in the kitchen and my legs went weak and my eyes are blurry", "overheating"),
    ("he takes war farin every night can he still have a deep massage", "blood-thinners"),
    # round fourteen: fire and threats without the textbook words, a gift with "when he's gone",
    # "if anything happens to me, and it will", symptoms that began last week, "double up"
    ("there's smoke coming off the heater in the bedroom", "emergency"),
    ("smoke is coming out from under the kitchen door", "emergency"),
    ("that fella from the clinic keeps threatening me", "emergency"),
    ("my ex has locked me in and won't let me leave the flat", "emergency"),
    ("she handed me her rings and said think of her when she's gone", "crisis"),
    ("i've sorted who gets the dog if anything happens to me and it will", "crisis"),
    ("the weakness in her leg started three days ago and it's getting worse", "relapse"),
    ("he took his muscle relaxers late can he double up tomorrow", "medication"),
    ("my symptoms have worsened over the last few days can i still have a massage", "relapse"),
    ("my husband says he will kill me tonight", "emergency"),
    ("cutting myself is the only thing that helps", "crisis"),
    ("cut myself is the only thing that helps", "crisis"),          # the kept carrier put back "cut"
    # a plan that names a lethal place; heat said plainly with one arm weak; a fire sat by
    ("what's the use i have made my plan for sunday near the railway track", "crisis"),
    ("she overheated in the car with no ac and her arm is heavy but she's talking", "overheating"),
    ("he sat too near the fire and now he's weak as water but talking fine", "overheating"),
    ("i stopped my tablets and kept them all back for one night", "crisis"),   # stopped and kept back
    ("he says he's about ready to pack it all in for good", "crisis"),       # giving up, through an idiom
    ("we sat in the car with no air and now she can't hardly lift her arms", "overheating"),
    ("i'm only a burden now, the kids would have it so much easier", "crisis"),
    ("thinking i'll stop my tablets and food and just let it happen", "crisis"),
    ("he was working in the sun all morning and now his legs are not working right but he's chatting", "overheating"),
    ("can she massage near where the skin has split open on my heel", "broken-skin"),
    # round sixteen
    ("she's got clumsier since friday and her eyes keep playing up", "relapse"),      # comparatives over days
    ("his legs are stiffer and stiffer these past few days", "relapse"),
    ("broke ankle last month is it alright to massage his back", "fracture"),          # no "my": a kept carrier's word
    ("her arm is in plaster, can they do her neck", "fracture"),
    ("some nights i run a razor blade along my thigh to feel something", "crisis"),    # self-harm said as an act
    ("sometimes i press the knife into my arm and it helps", "crisis"),                # ongoing, still a crisis
    ("tell mi pickney mi love dem after mi gone", "crisis"),                          # Caribbean English
    ("mi granny cyaan breathe proper", "emergency"),
    # round seventeen
    ("what good is a rub when i'm going to finish everything soon", "crisis"),     # a plan, said as finishing
    ("tell me about massage for spasms hang on my wife went rigid and her eyes are rolling up", "emergency"),
    ("some days i take the craft blade to my wrist", "crisis"),                    # a blade taken to the skin
    ("she stay so tired of being one burden to all of us", "crisis"),              # Hawaii Pidgin "stay"
    ("in sun all morning at the fair and now her vision is blurry", "overheating"),   # "sat" sent as no word
    # "or something else" is sent as the ending "or not": still a question of what causes it
    ("her feet keep cramping lately, is it from the ms or not", "diagnosis"),
])
def test_the_words_reach_their_tier(words, expected):
    assert topic_id(words) == expected


@pytest.mark.parametrize("words", [
    "this fatigue is killing me", "my back is killing me", "i'm dying to try reflexology",
    "i could kill for a massage", "i had a stroke years ago can i still get a massage",
    "my speech gets a bit slurred when i'm tired", "does massage help prevent pressure sores",
    "can massage help with chest tightness from spasms", "who won the game last night",
    "i'll kill myself carrying all these shopping bags up the stairs", "i nearly died laughing at the cat",
    "nearly had a heart attack when i saw the bill for the spa",
    # giving a pet or a person a massage is not giving things away
    "mum tried to give the dog a massage", "can i give my husband a foot rub",
    # said to be not urgent, or a collapse said not to have happened
    "not an emergency just thinking ahead about when dad can't live alone",
    "he's up on the roof fixing the gutter", "we sat on the bridge by the river for a picnic",
    "the washing is gonna kill me i swear i need a rub", "this heat will kill me",
    "washing is gonna kill me i swear",            # the carrier took "the"
    "i've made up my mind about which massage to book",
    # muscles seizing up, blood not moving, a worry about who will care for someone later
    "my calves keep cramping and seizing up at night", "his feet stay cold i think his blood is not moving good",
    "i lie awake worrying about who will take care of him when i'm gone",
    "i'm ready to hang up my job for good",
    "everyone would have it easier if we booked mum a massage",
    "calves going tight like rope by evening", "i just want an hour where nobody needs me",
    "can massage make life better when you're stuck in a chair like me",
    "after a hot day he feels wiped out no fainting or anything just tired",
    # keeping to oneself is low mood, not an unresponsive person
    "my son isn't talking to anyone much these days would massage help his mood",
    # a jolt down the spine on bending the neck is an MS symptom, not an electric shock
    "what's causing this electric shock feeling down my back when i look down",
    "this hike will do me in",
    "i've been feeling blue since the diagnosis would a massage help",
    "we fitted a new carbon monoxide alarm in the hall",
    "my supervisor will kill me if i'm late again",
    "how do i keep from hurting myself when i scoot from the bed to the chair",
    "my chops are dead after that second line my lips are about to fall off ha",
    "the hill nearly killed me on the way to the clinic",
    "i feel like i've been hit by a bus every morning",
    "like i've been hit by a bus every morning",          # the carrier took "i feel"
    "she's all cut up about her diagnosis",
    "the massage knocked me out cold i slept for ten hours",
    "my heart stopped when the bill came",
    "i won't be here for christmas this year we're going to my sister's",
    "i said goodbye to my old house for the last time when we moved",
    "i gave my sister my old coat and my boots for her birthday",
    "this massage is gonna do me in if it's any deeper",
    "she fell asleep on the floor watching tv and woke up stiff",
    "i'm done with physio so i want to try massage",
    "the price of massages has just dropped",
    "will the massage make me too floppy to walk home",
    "my husband won't let me go to the massage on my own",
    "the rain is threatening to spoil our trip to the spa",
    "there's a fire in the fireplace is that too warm for my ms",
    "if anything happens to me who would look after my cats",
    "my sister says she's gonna kill me if i ask her to rub my feet again",
    "cut myself on a tin can i still get a massage",
])
def test_idioms_history_and_near_misses_are_not_urgent(words):
    assert topic_id(words) not in ("emergency", "crisis")


@pytest.mark.parametrize("words", ["is massage safe when you've got relapsing ms",
                                   "my wife has relapsing remitting ms can she have reiki",
                                   "is a rub okay for somebody with relapsing emma's"])
def test_relapsing_ms_names_a_kind_of_ms_not_a_relapse(words):
    assert topic_id(words) != "relapse"


@pytest.mark.parametrize("words", ["my fatigue is gone after a massage", "the pain went away for a day",
                                   "how long until i feel better"])
def test_relief_of_a_symptom_is_not_a_cure_premise(words):
    assert topic_id(words) != "cure"


def test_an_idiom_keeps_its_meaning_for_understanding():
    assert TRIAGE.plain("This fatigue is KILLING me!") == "this fatigue is really bothering me"
    assert TRIAGE.plain("what's the A M T A") == "what's the amta"
    # regional and everyday spellings read as their words
    assert TRIAGE.plain("it did sweet fa") == "it did nothing"
    assert TRIAGE.plain("how long till i notice") == "how long until i notice"
    assert TRIAGE.plain("is dry needlin any good for m s") == "is dry needling any good for ms"
    assert TRIAGE.plain("after being crook all week") == "after being ill all week"
    assert TRIAGE.plain("you'll worry me into an early grave") == "you'll worry me sick"
    assert TRIAGE.plain("should i cancel the rmt") == "should i cancel the massage therapist"
    assert TRIAGE.plain("the twenty twenty one about swelling") == "the 2020 study about swelling"


def test_a_crisis_outranks_an_emergency_in_the_same_words():
    assert topic_id("i took too many pills because i want to die") == "crisis"


# ------------------------------------------------------------------ through the skill

@pytest.mark.parametrize("intent, slots", [
    ("SearchIntent", {"query": "my dad's face is drooping on one side"}),
    ("SymptomIntent", {"symptom": ("chest pain and i can't breathe", None)}),
    ("ConditionIntent", {"condition": ("a seizure right now", None)}),
    ("DiagnosisIntent", {"symptoms": "my husband collapsed"}),
    ("MedicationIntent", {"medicine": "too many pills he won't wake up"}),
    ("SetReminderIntent", {"task": ("call an ambulance", None)}),
])
def test_every_slot_of_every_intent_is_triaged_first(handler, intent, slots):
    session = Session(locale="en-GB")
    response = handler(session.intent(intent, **slots), None)
    assert "999" in speech_text(response) and ends_session(response)


@pytest.mark.parametrize("locale, numbers, spoken", [
    ("en-US", ["911", "988"], None), ("en-CA", ["911", "988"], None),
    ("en-GB", ["999", "116 123"], None), ("en-AU", ["000", "13 11 14"], "triple zero"),
    ("en-IN", ["112", "14416"], None)])
def test_a_crisis_gets_the_emergency_number_and_the_local_line_slowly(handler, locale, numbers, spoken):
    response = handler(Session(locale=locale).intent("SearchIntent", query="i don't want to be here anymore"), None)
    text, ssml = speech_text(response), response["response"]["outputSpeech"]["ssml"]
    for number in numbers:
        assert number in text and number in response["response"]["card"]["text"]
        assert number in response["response"]["card"]["title"]
    assert ends_session(response) and '<prosody rate="90%">' in ssml and "<break" in ssml
    assert not re.match(r"(yes|no|it may)\b", text, re.I)
    if spoken:
        assert 'alias="%s"' % spoken in ssml


@pytest.mark.parametrize("locale, number", [("en-US", "911"), ("en-GB", "999"), ("en-AU", "000"),
                                            ("en-IN", "112"), ("xx-YY", "911")])
def test_fallback_starts_with_where_urgent_help_is(handler, locale, number):
    """Fallback cannot see the words, so its first sentence is the emergency number."""
    response = handler(Session(locale=locale).intent("AMAZON.FallbackIntent"), None)
    assert speech_text(response).startswith("If you need urgent help, call %s. " % number)
    assert not ends_session(response)


def test_an_existing_sore_never_gets_the_prevention_answer(handler):
    session = Session()
    text = speech_text(handler(session.intent("SearchIntent", query="have a bed sore is massage on it ok"), None))
    assert "never be massaged" in text or "never massage over" in text
    assert "may help prevent" not in text


@pytest.mark.parametrize("locale, number, line", [("en-US", "911", "988"), ("en-GB", "999", "116 123"),
                                                  ("en-AU", "000", "13 11 14"), ("en-IN", "112", "14416")])
def test_the_crisis_reply_gives_both_numbers_unconditionally_and_says_free_day_and_night(handler, locale, number, line):
    """Issue 21 item 9: thoughts of suicide are an emergency (facts.md {#urgent-3}): the
    emergency number is not made conditional, and the crisis line is free, day and night."""
    response = handler(Session(locale=locale).intent("SearchIntent", query="i want to end my life"), None)
    said = speech_text(response)
    assert number in said and line in said
    assert "if you might" not in said.lower()
    assert "free" in said and "day and night" in said
    assert response["response"]["shouldEndSession"] is True


@pytest.mark.parametrize("locale, number, line", [("en-US", "911", "988"), ("en-GB", "999", "116 123"),
                                                  ("en-AU", "000", "13 11 14"), ("en-IN", "112", "14416")])
def test_an_overdose_gets_the_emergency_number_and_the_crisis_line_in_case_it_was_on_purpose(handler, locale,
                                                                                            number, line):
    """An overdose is an emergency (facts.md {#urgent-2}); whether it was taken on purpose
    is seldom said, so the reply also names the crisis line ({#urgent-3})."""
    response = handler(Session(locale=locale).intent("SearchIntent", query="my brother took a whole box of paracetamol"),
                       None)
    said = speech_text(response)
    assert said.startswith("This sounds like an emergency") and number in said and line in said
    assert response["response"]["shouldEndSession"] is True


@pytest.mark.parametrize("words", ["i've swallowed all my tablets on purpose",
                                   "i've cut my wrists and there's blood everywhere"])
def test_an_emergency_the_detector_reads_as_self_harm_also_gives_the_crisis_line(handler, words):
    """The emergency rules catch the words; the urgent detector reads them as self-harm
    (policy.json's crisis_over_emergency), so the reply gives both numbers."""
    session = Session(locale="en-US")
    text = speech_text(handler(session.intent("SearchIntent", query=words), None))
    assert "911" in text and "988" in text, text


@pytest.mark.parametrize("words", ["i'm standing on the edge of the roof and i feel dizzy",
                                   "she locked herself in the bathroom with my razor and she's not answering"])
def test_an_emergency_reply_names_the_crisis_line_when_self_harm_is_likely_enough(handler, monkeypatch, words):
    """policy.json's crisis_line_with_emergency: an emergency reply whose words the urgent
    detector reads as self-harm at least that likely also names the crisis line (in the
    locale's words), and below it stays the plain emergency reply."""
    from msguide.understanding.classifier import default_understanding
    understanding = default_understanding()
    query = words.split(" ", 1)[1] if words.startswith("i'm ") else words   # as the carrier sends it
    plain = triage_module.default_triage().plain
    crisis = understanding.crisis(plain(query) or query)
    for at, named in ((max(crisis - 0.01, 0.0), True), (min(crisis + 0.01, 1.0), False)):
        monkeypatch.setattr(understanding.policy, "crisis_line_with_emergency_at", at)
        response = handler(Session(locale="en-GB").intent("SearchIntent", query=query), None)
        said = speech_text(response)
        assert said.startswith("This sounds like an emergency") and "999" in said, said
        assert ("116 123" in said) is named, said
        assert ends_session(response)


@pytest.mark.parametrize("words", ["i get red patches on my bottom from the chair, can massage help stop bed sores",
                                   "will a rub help keep off the pressure sores",
                                   "he's in bed all day with ms, can massage stop pressure sores",
                                   "my sister worries about bed sores because he's got ms and lies in bed all day, "
                                   "can massage help"])
def test_massage_to_keep_off_bed_sores_is_prevention_not_an_open_sore(words):
    """No contraindication tier fires: the free-form understanding answers it (pressure sores)."""
    assert topic_id(words) is None


@pytest.mark.parametrize("words", ["how come the heat makes his ms that much worse",
                                   "come the heat makes her ms so much worse"])
def test_how_come_heat_makes_ms_worse_asks_why_it_is_not_an_overheating(words):
    """SearchIntent's carrier "how" is not sent, so "how come ..." reaches triage as
    "come ...": still a question about heat sensitivity, not someone overheating now."""
    assert topic_id(words) != "overheating"


@pytest.mark.parametrize("words", ["is massage safe, my dad is afraid they're gonna hurt him",
                                   "is massage safe with ms, my wife is scared the therapist is going to hurt her"])
def test_a_fear_that_massage_will_hurt_is_a_question_not_a_threat(words):
    """Round seventeen: "scared they gonna hurt her", said of a massage, is not
    someone threatening harm."""
    assert topic_id(words) != "emergency"
