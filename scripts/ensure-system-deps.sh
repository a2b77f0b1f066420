#!/usr/bin/env bash
# Installs the Debian packages the test suite drives for real: Chromium + driver (browser tests),
# nginx (multi-node smoke test) and a CJK font (label text). Only what is missing; needs root.
set -u
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium chromium-driver)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
if [ ${#missing[@]} -eq 0 ]; then echo "system deps: present"; exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "ERROR: missing Debian packages: ${missing[*]}. Install them: sudo apt-get install -y ${missing[*]}" >&2; exit 1
fi
echo "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
  || { echo "ERROR: apt-get could not install ${missing[*]}" >&2; exit 1; }
# nginx's package starts a default site on :80 under systemd-less machines sometimes; we run our own.
pkill -f 'nginx: master process /usr/sbin/nginx' 2>/dev/null || true
echo "system deps: installed ${missing[*]}"
