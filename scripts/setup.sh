#!/usr/bin/env bash
# Installs the system libraries InstructPT links (Debian/Ubuntu): OpenBLAS, SQLite, zlib.
# Does nothing when they are already there. Run as root (or with sudo available).
set -euo pipefail
missing=()
for package in libopenblas-dev libsqlite3-dev zlib1g-dev; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}"
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
