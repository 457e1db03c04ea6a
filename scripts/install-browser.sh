#!/usr/bin/env bash
# Install Debian's Chromium and ChromeDriver for the browser tests (Playwright drives /usr/bin/chromium;
# no browser is downloaded by any test tool). Without root or apt, the browser tests skip and say why.
set -u
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then
  echo "browser tests will be skipped: /usr/bin/chromium missing and cannot apt-get install it"; exit 0
fi
echo "installing chromium and chromium-driver from Debian's packages..."
export DEBIAN_FRONTEND=noninteractive
(apt-get update -qq && apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null) \
  || echo "browser tests will be skipped: apt-get install chromium failed"
exit 0
