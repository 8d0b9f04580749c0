#!/bin/sh
# Tests one deployed variant.
set -eu
variant="$1"
grep -q strawberry "build/deployed/$variant.txt"
echo "variant $variant: ok"
