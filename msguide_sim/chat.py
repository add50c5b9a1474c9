"""A text chat with the skill: type what you would say, read what it says.

    python -m msguide_sim chat [--locale en-GB] [--url URL] [--json]
    python -m msguide_sim ask "is a hot tub safe"
    python -m msguide_sim script conversation.txt

Words are mapped to intents with the project's own built voice model
(msguide_sim.nlu), sent as real request envelopes to lambda_function.handler
(or to a running endpoint with --url), and the reply is shown as plain text:
speech, reprompt, card and whether the session ended. As on a device,
"open m. s. massage guide" (or launch/start, or plain "open") starts a session
with a LaunchRequest and "ask m. s. massage guide <question>" opens a new
session with that question; "quit" leaves the chat.
"""

import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.request

from .envelopes import SimulatedUser
from .nlu import VoiceModel, locales, normalize

LAUNCH_WORDS = {"open", "launch", "start", "<launch>"}
EXIT_WORDS = {"quit", "exit chat", ":q"}
LOCALE_TIME_ZONES = {"en-US": "America/New_York", "en-CA": "America/Toronto", "en-GB": "Europe/London",
                     "en-AU": "Australia/Sydney", "en-IN": "Asia/Kolkata"}
SCRIPTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scripts")
# "ask X to/about/whether/if ...", "tell X ...": the words after the name are the question.
ONE_SHOT_VERBS = ("ask", "tell")
ONE_SHOT_JOINERS = ("to", "about", "whether", "if", "for", "me")


class SimulatorError(Exception):
    """A problem the user can fix, said in one line (no traceback)."""


def _letters(words):
    """'m. s. massage guide', 'ms massage guide', 'm s massage guide' -> 'msmassageguide'."""
    return re.sub(r"[^a-z]", "", words.lower())


def invocation(text, name):
    """('launch', '') / ('ask', question) when `text` names the skill as a device hears it, else None."""
    words = normalize(re.sub(r"^\s*alexa[\s,]+", "", text, flags=re.I)).split()
    if not words:
        return None
    verb, rest = words[0], words[1:]
    target = _letters(name)
    for end in range(1, min(len(rest), 8) + 1):
        if _letters(" ".join(rest[:end])) == target:
            after = rest[end:]
            if verb in LAUNCH_WORDS and not after:
                return ("launch", "")
            if verb in ONE_SHOT_VERBS:
                while after and after[0] in ONE_SHOT_JOINERS:
                    after = after[1:]
                return ("ask", " ".join(after)) if after else ("launch", "")
            return None
    return None


def plain(ssml):
    return " ".join(re.sub(r"<[^>]+>", " ", ssml or "").split())


def local_sender():
    import lambda_function
    return lambda envelope: lambda_function.handler(json.loads(json.dumps(envelope)), None)


LOCAL_ENDPOINT = "http://127.0.0.1:8080/"       # where scripts/serve --local-testing answers


def endpoint_url(url):
    """--url as given, with http:// put in front when it names no scheme
    ("127.0.0.1:8080/", "localhost:8080"); any scheme but http(s) is refused."""
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", url):
        url = "http://" + url
    if url.split("://", 1)[0].lower() not in ("http", "https"):
        raise SimulatorError("--url must be an http:// or https:// address, such as %s (got %s)"
                             % (LOCAL_ENDPOINT, url))
    return url


def _refusal(url, exc):
    """The one line for an endpoint that answered with an HTTP error."""
    try:
        said = json.loads(exc.read()).get("error")
    except (ValueError, AttributeError, OSError):
        said = None
    said = " ".join(str(said or exc.reason or "").split())[:200]
    line = "%s answered HTTP %d%s" % (url, exc.code, " (%s)" % said if said else "")
    if exc.code in (404, 405):
        return line + ": that is not the skill's endpoint, which takes POST requests at / (such as %s)" % LOCAL_ENDPOINT
    if "verif" in said.lower():
        return line + ": the simulator's requests are unsigned, so point it at a server started " \
                      "with scripts/serve --local-testing"
    return line + ": is it the skill's endpoint?"


def http_sender(url, timeout=10):
    def send(envelope):
        data = json.dumps(envelope).encode()
        request = urllib.request.Request(url, data=data, method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as reply:
                return json.loads(reply.read())
        except urllib.error.HTTPError as exc:
            raise SimulatorError(_refusal(url, exc)) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SimulatorError("cannot reach %s (%s): is the server running? "
                                 "Start it with scripts/serve --local-testing" % (url, reason)) from None
        except ValueError:
            raise SimulatorError("%s did not answer with JSON: is it the skill's endpoint?" % url) from None
    return send


class Chat:
    """A conversation. The Alexa APIs (reminders, time zone) are a local fake
    (msguide_sim.fake_alexa_api), so reminders work without an Amazon account;
    what the skill sends to them is printed after each turn."""

    def __init__(self, locale="en-US", url=None, show_json=False, out=sys.stdout, time_zone=None,
                 screen=None):
        from .fake_alexa_api import TOKEN, FakeAlexaApi
        self.model = VoiceModel.for_locale(locale)
        self.api = FakeAlexaApi(time_zone=time_zone or LOCALE_TIME_ZONES.get(locale, "UTC"),
                                any_token=True)
        from .envelopes import SCREENS
        self.user = SimulatedUser(locale, api_endpoint=self.api.url, api_token=TOKEN,
                                  reminders_permission="GRANTED", screen=SCREENS.get(screen))
        self.send = http_sender(endpoint_url(url)) if url else local_sender()
        self.show_json = show_json
        self.out = out
        self._shown = 0

    def close(self):
        self.api.close()

    def say(self, text):
        """One turn; returns the response envelope."""
        named = invocation(text, self.model.invocation)
        if text.strip().lower() in LAUNCH_WORDS or (named and named[0] == "launch"):
            self.user.new_session()
            envelope, label = self.user.launch(), "LaunchRequest"
        else:
            if named:                   # a one-shot: a new session that opens with the question
                self.user.new_session()
                text = named[1]
            match = self.model.map(text)
            envelope = self.user.intent_for(self.model, match)
            label = "%s %s (%s)" % (match.intent, json.dumps(match.slots) if match.slots else "",
                                    match.method)
        response = self.send(envelope)
        self.show(label, envelope, response)
        self.show_api_calls()
        if isinstance(response, dict) and "response" in response:
            self.user.absorb(response)
        return response

    def show(self, label, envelope, response):
        write = self.out.write
        write("   [%s]\n" % " ".join(label.split()))
        if self.show_json:
            write("   request: %s\n" % json.dumps(envelope, indent=2).replace("\n", "\n   "))
            write("   response: %s\n" % json.dumps(response, indent=2).replace("\n", "\n   "))
        if not isinstance(response, dict) or "response" not in response:
            write("ERROR: %s\n" % json.dumps(response))
            return
        body = response["response"]
        write("Alexa: %s\n" % (plain(body.get("outputSpeech", {}).get("ssml")) or "(silence)"))
        reprompt = body.get("reprompt", {}).get("outputSpeech", {}).get("ssml")
        if reprompt:
            write("   reprompt: %s\n" % plain(reprompt))
        card = body.get("card")
        if card:
            write("   card: %s | %s\n" % (card.get("title", ""),
                                          " ".join(str(card.get("content") or card.get("text") or "").split())))
        for directive in body.get("directives") or []:
            if directive.get("type") == "Alexa.Presentation.APL.RenderDocument":
                screen = (directive.get("datasources") or {}).get("screen") or {}
                numbers = ", ".join("%s %s" % (n["label"], n["number"]) for n in screen.get("numbers", []))
                write("   screen: %s | %s%s | buttons: %s\n" % (
                    screen.get("title", ""), screen.get("body", ""), (" | " + numbers) if numbers else "",
                    ", ".join(b["label"] for b in screen.get("buttons", [])) or "none"))
        write("   session: %s\n" % ("ended" if body.get("shouldEndSession") else "open"))
        self.out.flush()


    def show_api_calls(self):
        for method, path, body in self.api.sent[self._shown:]:
            sent = (" " + json.dumps(body, indent=2)).replace("\n", "\n   ") if body is not None else ""
            self.out.write("   to Alexa: %s %s%s\n" % (method, path, sent))
        self._shown = len(self.api.sent)
        self.out.flush()


def interactive(chat, stream=sys.stdin):
    prompt = sys.stdout.isatty()
    while True:
        if prompt:
            sys.stdout.write("You: ")
            sys.stdout.flush()
        line = stream.readline()
        if not line:
            break
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.lower() in EXIT_WORDS:
            break
        if not prompt:
            chat.out.write("You: %s\n" % line)
        chat.say(line)


def script_path(path):
    """A file path, or the name of a script shipped in msguide_sim/scripts/ ("demo.txt")."""
    if os.path.isfile(path):
        return path
    shipped = os.path.join(SCRIPTS_DIR, os.path.basename(path))
    if os.path.isfile(shipped):
        return shipped
    names = sorted(os.listdir(SCRIPTS_DIR)) if os.path.isdir(SCRIPTS_DIR) else []
    raise SimulatorError("no script file %s (shipped scripts: %s)" % (path, ", ".join(names) or "none"))


def main(argv=None):
    known = locales()
    parser = argparse.ArgumentParser(
        prog="python -m msguide_sim", description="Chat with MS Massage Guide in text.",
        usage="python -m msguide_sim [options] {chat,ask,script} ...",
        epilog="locales: %s. Shipped scripts: %s." % (
            ", ".join(known), ", ".join(sorted(os.listdir(SCRIPTS_DIR)))))
    parser.add_argument("--locale", default="en-US", metavar="LOCALE",
                        help="one of %s (default en-US)" % ", ".join(known))
    parser.add_argument("--url", help="send requests to this endpoint instead of the Lambda handler, "
                                      "such as %s (http:// is assumed when no scheme is given)" % LOCAL_ENDPOINT)
    parser.add_argument("--json", action="store_true", help="show request and response JSON")
    from .envelopes import SCREENS
    parser.add_argument("--screen", choices=sorted(SCREENS), metavar="DEVICE",
                        help="a device with a display (APL), one of %s: show what its screen shows" % ", ".join(sorted(SCREENS)))
    sub = parser.add_subparsers(dest="mode", required=True)
    sub.add_parser("chat", help="type lines interactively")
    one = sub.add_parser("ask", help="one question in a new session")
    one.add_argument("words")
    script = sub.add_parser("script", help="replay a file of lines as one conversation "
                                           "(a path, or a shipped script such as demo.txt)")
    script.add_argument("path")
    args = parser.parse_args(argv)
    if args.locale not in known:
        parser.error("unknown locale %s: the skill speaks %s" % (args.locale, ", ".join(known)))
    try:
        chat = Chat(locale=args.locale, url=args.url, show_json=args.json, screen=args.screen)
        if args.mode == "ask":
            chat.out.write("You: %s\n" % args.words)
            chat.say(args.words)
        elif args.mode == "script":
            with open(script_path(args.path), encoding="utf-8") as handle:
                interactive(chat, handle)
        else:
            interactive(chat)
    except SimulatorError as exc:
        sys.stderr.write("msguide_sim: %s\n" % exc)
        return 1
    except KeyboardInterrupt:           # Ctrl-C: leave the chat quietly, as "quit" does
        if sys.stdout.isatty():
            sys.stdout.write("\n")
        return 130
    finally:
        if "chat" in locals():
            chat.close()
    return 0
