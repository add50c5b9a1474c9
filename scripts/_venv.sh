# Shared by scripts/serve and scripts/test: make .venv, install a pinned pip, a lock
# file and this project (editable), saying what is happening.
# Usage: . scripts/_venv.sh requirements/web.lock|requirements/dev.lock
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-python3}"
say() { printf '%s\n' "[$(basename "$0")] $*" >&2; }

# The right Python, said plainly, before anything is made.
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  say "this project needs Python 3.11 or newer; $PYTHON is $("$PYTHON" --version 2>&1 || echo 'not found')."
  say "run again with PYTHON=/path/to/python3.11 (or newer) $0"
  exit 1
fi

# One install at a time: scripts/serve and scripts/test started together share .venv/.
if command -v flock >/dev/null 2>&1; then
  exec 9>.venv.install-lock
  if ! flock -n 9; then
    say "another scripts/serve or scripts/test is installing into .venv/; waiting for it"
    flock 9
  fi
fi

# .venv/.ready is written only once the environment and its pinned pip are whole, so a
# first run that failed half way never leaves a .venv that later runs trust.
if [ -d .venv ] && [ ! -f .venv/.ready ]; then
  say "removing an unfinished .venv/ left by an earlier run"
  rm -rf .venv
fi
if [ ! -f .venv/.ready ]; then
  say "first run: creating a virtual environment in .venv/ with $("$PYTHON" --version 2>&1)"
  "$PYTHON" -m venv .venv
  # The bundled pip cannot install a hashed lock once a newer release of a dependency
  # with extras exists; the pinned, hashed pip of requirements/bootstrap.lock can.
  if ! .venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes \
      --no-deps -r requirements/bootstrap.lock >&2; then
    say "pip failed installing requirements/bootstrap.lock (the installer itself)"
    exit 1
  fi
  .venv/bin/python -m pip --version > .venv/.ready
fi

stamp=".venv/.installed-$(basename "$1")"
if [ ! -f "$stamp" ] || [ "$1" -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  started=$(date +%s)
  count=$(grep -c '^[A-Za-z0-9].*==' "$1" || true)
  say "installing $count locked packages from $1 with $(cut -d' ' -f1,2 .venv/.ready) (hashes checked; the first run takes a few minutes)"
  log=.venv/pip-install.log
  # pip's own lines, one per package, are the progress; its whole output is kept in $log.
  set +e
  .venv/bin/python -m pip install --disable-pip-version-check --require-hashes --progress-bar off \
      -r "$1" 2>&1 | tee "$log" | grep --line-buffered -E '^(Collecting|Processing|Installing collected|Successfully installed)' \
      | sed -u -E -e 's#^(Collecting|Processing) ([^ ]*/)?([^/ ]+).*#  \1 \3#' \
               -e 's#^Successfully installed.*#  Successfully installed everything in the lock#' >&2
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" -ne 0 ]; then
    say "pip failed installing $1; what it said:"
    # Every line from pip's first error on, in full (the package it names included).
    { grep -n -m1 -E '^ERROR' "$log" >/dev/null && sed -n '/^ERROR/,$p' "$log" || tail -n 30 "$log"; } >&2
    say "(the whole output is in $log)"
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
# The lock is released when the calling script execs its program (fd 9 is closed there).
exec 9>&-
