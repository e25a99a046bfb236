#!/usr/bin/env bash
# Builds the deployable zip of the Functions app: host.json, package.json, the compiled app (dist/src, without
# source maps) and the production dependencies only (npm ci --omit=dev in a staging folder, from the lock file).
# Usage: npm run package [-- OUT.zip]   (default dist/privatelink-dns-sync.zip)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-dist/privatelink-dns-sync.zip}"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

echo "compiling src/ into $stage/dist"
npx tsc -p tsconfig.build.json --sourceMap false --outDir "$stage/dist"
cp host.json package.json package-lock.json "$stage/"

echo "installing production dependencies"
# --workspaces=false: the local/ workspace (emulators for tests and the demo) and its dependencies stay out.
(cd "$stage" && npm ci --omit=dev --workspaces=false --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error)
# Source maps (ours are not built; dependencies ship theirs), TypeScript sources and declarations some
# dependencies ship are never loaded at run time.
find "$stage" \( -name '*.map' -o -name '*.ts' -o -name '*.cts' -o -name '*.mts' \) -type f -delete

mkdir -p "$(dirname "$out")"
rm -f "$out"
(cd "$stage" && zip -q -r -X "$out" host.json package.json dist node_modules)
echo "wrote $out ($(du -h "$out" | cut -f1))"
