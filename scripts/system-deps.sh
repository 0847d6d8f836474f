#!/usr/bin/env bash
# Debian packages Écoute's tests and tools use: speech synthesis for test fixtures (espeak-ng, sox,
# ffmpeg), Chromium for the browser test, pango for WeasyPrint PDFs, poppler for looking at PDFs.
# Installs what is missing when run as root with apt; otherwise says what to install and carries on
# (tests needing a missing tool skip with a clear reason outside CI).
set -euo pipefail
PACKAGES=(espeak-ng sox ffmpeg chromium chromium-driver libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing system packages: ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "note: missing system packages (install them for the full test suite): ${missing[*]}" >&2
fi
