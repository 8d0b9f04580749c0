#!/bin/sh
# "Compiles" the berry and names its version (an output later stages use).
set -eu
version="1.0.${PIPEWRIGHT_RUN_ID:-local}"
mkdir -p build
echo "strawberry $version" > build/strawberry.txt
echo "compiled strawberry $version"
echo "version=$version" >> "$PIPEWRIGHT_OUTPUT"
