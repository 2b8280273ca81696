#!/usr/bin/env bash
# Installs what Vigilanza Nidi needs and builds it. Idempotent: skips whatever is already there.
#   Debian packages: chromium (UI tests), poppler-utils + qpdf (PDF checks), libnss3-tools (trust store
#   for signature checks), xvfb (desktop window tests), postgresql (office server tests), openssl, fonts,
#   fiu-utils (disk-full and I/O-error injection into the shell in tests), softhsm2 + opensc (a real
#   PKCS#11 token and pkcs11-tool for the smart-card signature tests).
#   npm packages from package-lock.json (native better-sqlite3 built once, reused afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

DEBIAN_PACKAGES=(chromium poppler-utils qpdf libnss3-tools xvfb postgresql openssl fonts-dejavu-core ca-certificates fiu-utils softhsm2 opensc)
if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    log "installing Debian packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  log "not a Debian system: install ${DEBIAN_PACKAGES[*]} yourself"
fi

# Electron's binary cannot be downloaded on these machines; the app then runs as the browser shell.
export ELECTRON_SKIP_BINARY_DOWNLOAD="${ELECTRON_SKIP_BINARY_DOWNLOAD:-1}"
stamp=node_modules/.vigilanza-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
if ! node -e "new (require('better-sqlite3'))(':memory:').close()" >/dev/null 2>&1; then
  log "rebuilding better-sqlite3 for $(node --version)"
  npm rebuild better-sqlite3 --loglevel=error
fi

log "building"
npm run --silent build -- --if-changed
