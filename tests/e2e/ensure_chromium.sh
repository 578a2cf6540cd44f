#!/usr/bin/env bash
# Browser tests drive Debian's Chromium; install it (and a CJK font) when missing.
set -euo pipefail
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "WenQuanYi Micro Hei"; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "chromium or fonts-wqy-microhei missing and not root: browser tests will be skipped." >&2
  exit 0
fi
echo "Installing chromium and fonts-wqy-microhei from Debian's packages…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium fonts-wqy-microhei > /dev/null
