# Shared by scripts/serve and scripts/test: make .venv, install a lock file and
# this project (editable), saying what is happening.
# Usage: . scripts/_venv.sh requirements/web.lock|requirements/dev.lock
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-python3}"
say() { printf '%s\n' "[$(basename "$0")] $*" >&2; }
if [ ! -x .venv/bin/python ]; then
  say "first run: creating a virtual environment in .venv/ with $("$PYTHON" --version 2>&1)"
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$(basename "$1")"
if [ ! -f "$stamp" ] || [ "$1" -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  started=$(date +%s)
  count=$(grep -c '^[A-Za-z0-9].*==' "$1" || true)
  say "installing $count locked packages from $1 (hashes checked; the first run takes a few minutes)"
  # pip's own lines, one per package, are the progress; the rest of its chatter is dropped.
  set +e
  .venv/bin/python -m pip install --disable-pip-version-check --require-hashes --progress-bar off \
      -r "$1" 2>&1 | grep --line-buffered -E '^(Collecting|Processing|Installing collected|Successfully installed|ERROR)' \
      | sed -u -E -e 's#^(Collecting|Processing) ([^ ]*/)?([^/ ]+).*#  \1 \3#' \
               -e 's#^Successfully installed.*#  Successfully installed everything in the lock#' >&2
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" -ne 0 ]; then
    say "pip failed installing $1; to see why: .venv/bin/python -m pip install --require-hashes -r $1"
    exit 1
  fi
  say "installing this project (editable: msguide, msguide_web, msguide_sim, msguide_tools)"
  if ! .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps \
      --no-build-isolation -e . >&2; then
    say "pip failed installing this project (pip install --no-deps --no-build-isolation -e .)"
    exit 1
  fi
  touch "$stamp"
  say "installed in $(( $(date +%s) - started )) s"
fi
