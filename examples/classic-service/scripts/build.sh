#!/bin/sh
# Commit stage: check and unit-test the service, then name the artifact later stages deploy.
set -eu
node --check server.js
node test.js
artifact="orders-$(date +%Y%m%d%H%M%S)"
echo "built $artifact"
echo "artifact=$artifact" >> "$PIPEWRIGHT_OUTPUT"
