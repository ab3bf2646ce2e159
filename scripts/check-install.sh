#!/usr/bin/env bash
# What `make install` does, into a scratch DESTDIR and from the debug build (so make test builds nothing
# twice): the installed binary runs, and bash loads its completion script and offers the subcommands.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
destination="$(mktemp -d)"
trap 'rm -rf "$destination"' EXIT
binary="$root/.build/debug/switchyard"
install -D -m 0755 "$binary" "$destination/usr/local/bin/switchyard"
mkdir -p "$destination/usr/share/bash-completion/completions"
"$binary" --generate-completion-script bash > "$destination/usr/share/bash-completion/completions/switchyard"
"$destination/usr/local/bin/switchyard" --version >/dev/null 2>&1 || "$destination/usr/local/bin/switchyard" --help >/dev/null
completions=$(bash -c "source '$destination/usr/share/bash-completion/completions/switchyard'
    COMP_WORDS=(switchyard re); COMP_CWORD=1; COMP_LINE='switchyard re'; COMP_POINT=\${#COMP_LINE}
    _switchyard 2>/dev/null || true; echo \"\${COMPREPLY[*]}\"")
case "$completions" in
    *reconcile*import*) echo "install: the binary runs and bash offers: $completions" ;;
    *) echo "install: bash completion offered \"$completions\", not the subcommands"; exit 1 ;;
esac
