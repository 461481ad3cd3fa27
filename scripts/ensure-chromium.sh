#!/bin/sh
# Make sure a headless-capable Chromium is present for the report's browser test.
# Idempotent: does nothing when chromium is already installed, when not running as root, or when
# apt-get is not available (the browser test then skips and says why).
set -eu

if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-chromium: apt-get not available; the browser test will be skipped" >&2
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "ensure-chromium: not root; install the Debian package 'chromium' to run the browser test" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; then
    apt-get update >/dev/null 2>&1 || true
    apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 \
        || echo "ensure-chromium: could not install chromium; the browser test will be skipped" >&2
fi
exit 0
