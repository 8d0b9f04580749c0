#!/bin/sh
# Deploys one variant (a or b) of the given version: here, a copy under build/deployed/.
set -eu
variant="$1"
version="$2"
mkdir -p build/deployed
cp build/strawberry.txt "build/deployed/$variant.txt"
echo "deployed strawberry $version as variant $variant"
