#!/usr/bin/env bash
# Spark (the scale-out engine, and its conformance tests) needs a Java 17+ runtime.
set -euo pipefail
if command -v java >/dev/null 2>&1; then
  exit 0
fi
echo "installing a Java runtime for Spark (Debian package)…"
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq openjdk-17-jre-headless >/dev/null
