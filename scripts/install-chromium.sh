#!/usr/bin/env bash
# Installs Debian's headless browser for arbor-observer's browser test: chromium and chromium-driver
# (the W3C WebDriver server the test drives over HTTP). Does nothing when both are there. Installs only
# as root with apt-get; anywhere else it says why and exits 0, and the browser test then skips with a
# message naming this script. Safe to run while another apt-get runs: it waits for the dpkg lock.
set -euo pipefail

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: not root or no apt-get; not installing chromium (the browser test will skip)" >&2
  exit 0
fi
echo "install-chromium: installing chromium and chromium-driver with apt-get..." >&2
export DEBIAN_FRONTEND=noninteractive
apt_get() { apt-get -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3 "$@"; }
if ! { apt_get update -qq && apt_get install -y -qq chromium chromium-driver fonts-dejavu-core >/dev/null; }; then
  echo "install-chromium: apt-get failed; the browser test will skip" >&2
  exit 0
fi
/usr/bin/chromium --version >&2
