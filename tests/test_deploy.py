"""The ASK CLI layout: manifest, resources and the Lambda entry point agree."""

import json
import os

from conftest import LOCALES, ROOT
from msguide_sim.nlu import VoiceModel


def load(*parts):
    with open(os.path.join(ROOT, *parts), encoding="utf-8") as handle:
        return json.load(handle)


def test_ask_resources_point_at_real_folders_and_handler():
    resources = load("ask-resources.json")["profiles"]["default"]
    assert os.path.isdir(os.path.join(ROOT, resources["skillMetadata"]["src"]))
    code = os.path.join(ROOT, resources["code"]["default"]["src"])
    assert os.path.isfile(os.path.join(code, "lambda_function.py"))
    assert os.path.isfile(os.path.join(code, "requirements.txt"))
    handler = resources["skillInfrastructure"]["userConfig"]["handler"]
    assert handler == "lambda_function.handler"


def test_manifest_covers_five_locales_with_publishing_and_privacy_fields():
    manifest = load("skill-package", "skill.json")["manifest"]
    publishing = manifest["publishingInformation"]
    assert sorted(publishing["locales"]) == sorted(LOCALES)
    assert publishing["category"] == "HEALTH_AND_FITNESS"
    for locale in LOCALES:
        entry = publishing["locales"][locale]
        assert entry["name"] and len(entry["summary"]) <= 160 and entry["description"]
        assert 1 <= len(entry["examplePhrases"]) <= 3
        assert manifest["privacyAndCompliance"]["locales"][locale]["privacyPolicyUrl"].startswith("https://")
    privacy = manifest["privacyAndCompliance"]
    for field in ("allowsPurchases", "usesPersonalInfo", "isChildDirected", "isExportCompliant", "containsAds"):
        assert isinstance(privacy[field], bool)


def test_example_phrases_exist_in_the_model():
    from msguide_tools.certcheck import example_phrase_problem
    manifest = load("skill-package", "skill.json")["manifest"]
    for locale in LOCALES:
        model = VoiceModel.for_locale(locale)
        for phrase in manifest["publishingInformation"]["locales"][locale]["examplePhrases"]:
            assert example_phrase_problem(phrase, model) is None, phrase
        assert example_phrase_problem("Alexa, ask m. s. massage guide to juggle for me", model)


def test_the_icons_are_the_projects_own_sizes_and_contrast():
    import struct

    from msguide_tools import make_icons
    assert make_icons.main(["--check"]) == 0, "run python msguide_tools/make_icons.py"
    for size in (108, 512):
        data = open(os.path.join(ROOT, "skill-package", "assets", "icon-%d.png" % size), "rb").read()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", data[16:24]) == (size, size)

    def luminance(rgb):
        lin = [(c / 255) / 12.92 if c <= 10 else (((c / 255) + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    contrast = (luminance(make_icons.WHITE) + 0.05) / (luminance(make_icons.NAVY) + 0.05)
    assert contrast >= 7, contrast
