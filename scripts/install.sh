#!/usr/bin/env bash
# Install careerfolio from this checkout into .venv/, with what it needs from the system.
#   scripts/install.sh          the tool, and the libraries WeasyPrint needs for the PDF
#   scripts/install.sh --test   also the test tools: Chromium, poppler-utils, git, and the Nu
#                               HTML checker (vnu.jar from npm, run on Java)
#
# Debian's and Ubuntu's own Python refuse `pip install` outside a virtual environment
# (PEP 668), so careerfolio gets one of its own: run it as .venv/bin/careerfolio, or
# activate the environment with `. .venv/bin/activate`.
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[ "${1:-}" = "--test" ] && want_tests=1

packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
if [ "$want_tests" = 1 ]; then
  packages+=(chromium poppler-utils git)
fi

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"

apt_install() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

if command -v apt-get >/dev/null 2>&1; then
  apt_install "${packages[@]}"
else
  echo "install.sh: not a Debian-like system; install Pango (for the PDF) with your package manager" >&2
fi

# A virtual environment needs Debian's python3-venv (ensurepip); add it when it is missing.
if [ ! -x .venv/bin/python ]; then
  if ! python3 -m venv .venv >/dev/null 2>&1; then
    rm -rf .venv
    if command -v apt-get >/dev/null 2>&1; then
      version=$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
      apt_install python3-venv "python${version}-venv" 2>/dev/null || apt_install python3-venv
    fi
    python3 -m venv .venv
  fi
fi

.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
extras="fast" plain="."
[ "$want_tests" = 1 ] && extras="fast,test" plain=".[test]"
# the Markdown accelerator comes as a wheel or not at all (no Rust toolchain needed): where it
# has none, careerfolio renders every text with markdown-it-py, the same HTML, slower
if ! .venv/bin/python -m pip install --quiet --disable-pip-version-check --only-binary markdown-it-pyrs \
    -e ".[$extras]" 2>/dev/null; then
  echo "install.sh: no markdown-it-pyrs wheel for this machine; Markdown renders without the accelerator" >&2
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$plain"
fi

# The Nu HTML checker for tests/test_screens.py, kept in .venv/ beside the rest. Its npm
# package's install script would download a Java of its own; the system's runs it instead.
vnu_version=26.9.27
if [ "$want_tests" = 1 ] && ! grep -qs "\"version\": \"$vnu_version\"" .venv/vnu/node_modules/vnu-jar/package.json; then
  if command -v apt-get >/dev/null 2>&1; then
    command -v java >/dev/null 2>&1 || apt_install default-jre-headless
    command -v npm >/dev/null 2>&1 || apt_install npm
  fi
  if command -v npm >/dev/null 2>&1; then
    npm install --silent --no-save --no-audit --no-fund --ignore-scripts --prefix .venv/vnu "vnu-jar@$vnu_version"
  else
    echo "install.sh: no npm to install the Nu HTML checker with: its test is skipped (and fails in CI)" >&2
  fi
fi
