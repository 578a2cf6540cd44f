#!/usr/bin/env bash
# The e-mail tests read a real IMAP server: Debian's dovecot-imapd, installed when missing.
# The tests start their own throw-away instance; the package's system service is not needed.
set -euo pipefail
if [ -x /usr/sbin/dovecot ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "dovecot-imapd missing and not root: the IMAP tests will be skipped (failed under CI=true)." >&2
  exit 0
fi
echo "Installing dovecot-imapd from Debian's packages…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq dovecot-imapd > /dev/null
