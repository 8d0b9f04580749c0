#!/bin/sh
# Checks the tools the build needs.
set -eu
command -v sh >/dev/null && echo "toolchain: sh ok"
mkdir -p build/tmp
