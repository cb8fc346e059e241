#!/usr/bin/env bash
# The demo command: installs what is missing, builds pkg/, serves www/ on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node scripts/build.mjs
exec node scripts/serve.mjs
