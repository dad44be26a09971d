#!/usr/bin/env bash
# Installs Debian's headless browser for tests/test_html_browser.py: chromium and chromium-driver
# (/usr/bin/chromium, /usr/bin/chromedriver). Idempotent: does nothing when both are present.
# Needs root (or sudo) and apt; selenium itself comes with the Python dev environment.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  echo "browser.sh: $(/usr/bin/chromium --version 2>/dev/null || echo chromium) and chromedriver already installed"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium chromium-driver
/usr/bin/chromium --version
/usr/bin/chromedriver --version
