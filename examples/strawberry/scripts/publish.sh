#!/bin/sh
# Publishes the version both variants were tested with.
set -eu
echo "published strawberry $1"
