#!/usr/bin/env python3
"""Point skill.json's privacy, terms and icon URLs at where you host them.

    python msguide_tools/publish_urls.py https://skill.example.net          # the web endpoint's host
    python msguide_tools/publish_urls.py --check                            # print what is set now

The committed skill.json carries placeholders on example.org, because the
project has no public host of its own. Before submitting for certification,
run this with the https base URL that serves the project's pages: the web
endpoint (python -m msguide_web) serves /privacy, /terms, /icon-108.png and
/icon-512.png itself, so a self-hoster gives its own host. A Lambda-only
deployment hosts PRIVACY.md, TERMS.md and skill-package/assets/ anywhere
public with the same four paths. msguide_tools/certcheck.py reports placeholders.
"""

import argparse
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANIFEST = os.path.join(ROOT, "skill-package", "skill.json")
PATHS = {"privacyPolicyUrl": "/privacy", "termsOfUseUrl": "/terms",
         "smallIconUri": "/icon-108.png", "largeIconUri": "/icon-512.png"}


def with_base(manifest, base):
    """The manifest with every locale's four URLs under `base`."""
    base = base.rstrip("/")
    for entry in manifest["manifest"]["publishingInformation"]["locales"].values():
        entry["smallIconUri"] = base + PATHS["smallIconUri"]
        entry["largeIconUri"] = base + PATHS["largeIconUri"]
    for entry in manifest["manifest"]["privacyAndCompliance"]["locales"].values():
        entry["privacyPolicyUrl"] = base + PATHS["privacyPolicyUrl"]
        entry["termsOfUseUrl"] = base + PATHS["termsOfUseUrl"]
    return manifest


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("base", nargs="?", help="https base URL, e.g. https://skill.example.net")
    parser.add_argument("--check", action="store_true", help="print the URLs set now")
    args = parser.parse_args(argv)
    with open(MANIFEST, encoding="utf-8") as handle:
        manifest = json.load(handle)
    if args.check or not args.base:
        for entry in (manifest["manifest"]["publishingInformation"]["locales"].get("en-US", {}),
                      manifest["manifest"]["privacyAndCompliance"]["locales"].get("en-US", {})):
            for key in PATHS:
                if key in entry:
                    print("%-16s %s" % (key, entry[key]))
        return 0 if args.check else 2
    if not re.fullmatch(r"https://[A-Za-z0-9.-]+(:\d+)?(/[^\s]*)?", args.base):
        print("publish_urls: the base must be an https:// URL, not %r" % args.base, file=sys.stderr)
        return 2
    with open(MANIFEST, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(with_base(manifest, args.base), indent=2, ensure_ascii=False) + "\n")
    print("skill.json: privacy, terms and icon URLs now under %s" % args.base.rstrip("/"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
