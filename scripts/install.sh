#!/usr/bin/env bash
# Install careerfolio from this checkout, with what it needs from the system.
#   scripts/install.sh          the tool, and the libraries WeasyPrint needs for the PDF
#   scripts/install.sh --test   also the test tools: Chromium, poppler-utils, Java for vnu
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[ "${1:-}" = "--test" ] && want_tests=1

packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
if [ "$want_tests" = 1 ]; then
  packages+=(chromium poppler-utils git)
fi

if command -v apt-get >/dev/null 2>&1; then
  missing=()
  for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  echo "install.sh: not a Debian-like system; install Pango (for the PDF) with your package manager" >&2
fi

python3 -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
if [ "$want_tests" = 1 ]; then
  python3 -m pip install --quiet --disable-pip-version-check -e ".[test]"
else
  python3 -m pip install --quiet --disable-pip-version-check -e .
fi
