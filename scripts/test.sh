#!/usr/bin/env bash
# Runs every test (static checks, unit, integration, browser end-to-end), after installing
# whatever is missing. Extra arguments choose groups: scripts/test.sh unit integration
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node test/run.mjs "$@"
