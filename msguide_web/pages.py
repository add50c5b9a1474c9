"""The pages blueprint: what a self-hoster publishes besides the skill.

    GET /privacy, /terms  PRIVACY.md and TERMS.md as plain, readable HTML pages
    GET /icon-108.png, /icon-512.png  the skill's icons (skill-package/assets), for
                  the manifest's icon URLs (msguide_tools/publish_urls.py writes all four URLs)

Each page is rendered and each icon read once, when the blueprint is registered
on an app.
"""

import html
import os
import re

from flask import Blueprint, Response, current_app

from .refusals import error

bp = Blueprint("pages", __name__)

# The project root (PRIVACY.md, TERMS.md, skill-package/assets); MSGUIDE_HOME
# names it when the package is installed elsewhere (the Docker image: /app).
PAGES_DIR = os.environ.get("MSGUIDE_HOME") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ICON_SIZES = ("108", "512")


def render_markdown(text, name):
    """The project's Markdown (headings, lists, paragraphs) as one HTML page."""
    parts, items, para = [], [], []

    def flush():
        if para:
            parts.append("<p>%s</p>" % " ".join(para))
            para.clear()
        if items:
            parts.append("<ul>%s</ul>" % "".join("<li>%s</li>" % i for i in items))
            items.clear()
    for line in text.splitlines():
        line = html.escape(line.rstrip())
        heading = re.match(r"^(#+) (.*)$", line)
        if heading:
            flush()
            level = min(len(heading.group(1)), 3)
            parts.append("<h%d>%s</h%d>" % (level, heading.group(2), level))
        elif line.startswith("- "):
            if para:
                flush()
            items.append(line[2:])
        elif line.startswith("  ") and items:
            items[-1] += " " + line.strip()
        elif not line.strip():
            flush()
        else:
            if items:
                flush()
            para.append(line.strip())
    flush()
    title = re.sub(r"<[^>]+>", "", parts[0]) if parts else name
    return ("<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>%s</title>"
            "<meta name=\"viewport\" content=\"width=device-width\">"
            "<body style=\"max-width:42em;margin:2em auto;font:1.2em/1.5 sans-serif\">%s</body></html>"
            % (title, "".join(parts)))


def page(name):
    """PRIVACY.md / TERMS.md as a page, or a short one saying it is not available."""
    try:
        with open(os.path.join(PAGES_DIR, name.upper() + ".md"), encoding="utf-8") as handle:
            return render_markdown(handle.read(), name)
    except OSError:
        return "<!doctype html><title>%s</title><p>Not available.</p>" % name


def icons():
    found = {}
    for size in ICON_SIZES:
        try:
            with open(os.path.join(PAGES_DIR, "skill-package", "assets", "icon-%s.png" % size), "rb") as handle:
                found[size] = handle.read()
        except OSError:
            pass                       # answered with a 404
    return found


@bp.record
def load(state):
    state.app.extensions["msguide_pages"] = {
        "pages": {name: page(name) for name in ("privacy", "terms")}, "icons": icons()}


@bp.get("/privacy")
def privacy():
    return Response(current_app.extensions["msguide_pages"]["pages"]["privacy"], mimetype="text/html")


@bp.get("/terms")
def terms():
    return Response(current_app.extensions["msguide_pages"]["pages"]["terms"], mimetype="text/html")


@bp.get("/icon-<size>.png")
def icon(size):
    found = current_app.extensions["msguide_pages"]["icons"]
    if size not in found:
        return error(404, "no such icon")
    return Response(found[size], mimetype="image/png")
