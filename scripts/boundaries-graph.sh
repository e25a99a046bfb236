#!/usr/bin/env bash
# Draws docs/architecture-layers.svg from the layer rules (.dependency-cruiser.cjs): one box per layer and per flow,
# an arrow where one imports the other. Needs Graphviz's `dot` (Debian: apt-get install graphviz); the SVG is
# committed, so neither the tests nor CI need it.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v dot >/dev/null || { echo "boundaries:graph needs Graphviz's dot (apt-get install graphviz)" >&2; exit 1; }
npx depcruise --config .dependency-cruiser.cjs \
  --collapse '^src/(core|azure|durable|cli|flows/[^/]+)/' \
  --include-only '^src/' --output-type dot src |
  dot -Tsvg -Grankdir=TB >docs/architecture-layers.svg
echo "wrote docs/architecture-layers.svg"
