#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image: the zip (the
# course, with this folder in it) is unpacked to /autograder/source. It installs Node 20 and
# the course's dependencies exactly as the lockfile says. See README.md beside it.
set -euo pipefail

if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  apt-get update
  apt-get install -y ca-certificates curl gnupg
  curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
  apt-get install -y nodejs
fi
cd /autograder/source
npm ci --no-audit --no-fund
