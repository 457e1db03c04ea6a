#!/usr/bin/env bash
# Install the system packages the tests drive, from Debian's repositories (nothing is downloaded by any
# test tool): Chromium and ChromeDriver for the browser tests (Playwright drives /usr/bin/chromium), CJK
# fonts for the screenshots, and espeak-ng for the IVR's offline Mandarin prompts. Without root or apt
# the tests that need them skip and say why.
set -u
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium chromium-driver fonts-noto-cjk)
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then
  echo "tests needing ${missing[*]} will be skipped: cannot apt-get install them here"; exit 0
fi
echo "installing ${missing[*]} from Debian's packages..."
export DEBIAN_FRONTEND=noninteractive
(apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null) \
  || echo "tests needing ${missing[*]} will be skipped: apt-get install failed"
exit 0
