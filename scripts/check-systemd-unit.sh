#!/usr/bin/env bash
# Checks examples/systemd/switchyard.service with systemd-analyze verify (any complaint fails, though
# systemd-analyze itself only warns), with ExecStart pointed at this build's binary, and that every
# option its ExecStart passes is one `switchyard controller` takes.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
binary="$root/.build/debug/switchyard"
unit="$root/examples/systemd/switchyard.service"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sed "s#/usr/local/bin/switchyard#$binary#" "$unit" > "$work/switchyard.service"
if ! systemd-analyze verify "$work/switchyard.service" > "$work/verify.log" 2>&1 || [ -s "$work/verify.log" ]; then
    echo "systemd: systemd-analyze verify complains about $unit:"
    cat "$work/verify.log"
    exit 1
fi
"$binary" controller --help > "$work/help.txt"
options=$(sed -n '/^ExecStart=/,/^[^ ]/p' "$unit" | grep -o -- '--[a-z-]*' | sort -u)
for option in $options; do
    grep -q -- "$option" "$work/help.txt" || { echo "systemd: ExecStart passes $option, which switchyard controller does not take"; exit 1; }
done
echo "systemd: the unit verifies and its ExecStart options exist ($(echo $options | wc -w) checked)"
