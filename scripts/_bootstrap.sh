# Sourced by scripts/run and scripts/test: make .venv and install the pinned requirements.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
  echo "unionpaper needs Python 3.11 (found: $("$PYTHON" --version 2>&1)). Set PYTHON=/path/to/python3.11." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  if ! "$PYTHON" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    echo "Python's venv module is missing; installing Debian's python3-venv …" >&2
    as_root=()
    [ "$(id -u)" -eq 0 ] || as_root=(sudo)
    "${as_root[@]}" apt-get update -qq && "${as_root[@]}" apt-get install -y -qq python3-venv
    "$PYTHON" -m venv .venv
  fi
fi

# Reinstall only when requirements.txt changed since the last install.
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "Installing Python packages (requirements.txt) …" >&2
  .venv/bin/python -m pip install -qq --upgrade pip
  .venv/bin/python -m pip install -qq -r requirements.txt
  echo "$want" > "$stamp"
fi

# Development defaults; a real deployment sets its own environment instead.
[ -f .env ] || printf 'DEBUG=true\n' > .env
