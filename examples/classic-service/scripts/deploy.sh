#!/bin/sh
# Deploys $ARTIFACT to the long-lived environment $TARGET (here: records it under .deployments/).
set -eu
: "${TARGET:?TARGET is not set}"
: "${ARTIFACT:?ARTIFACT is not set}"
mkdir -p .deployments
echo "$ARTIFACT" > ".deployments/$TARGET"
echo "deployed $ARTIFACT to $TARGET"
