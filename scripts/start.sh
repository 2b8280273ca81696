#!/usr/bin/env bash
# Starts Vigilanza Nidi on its demo data, after installing whatever is missing:
# the Electron app when its binary is present, otherwise the browser shell on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node scripts/start.mjs "$@"
