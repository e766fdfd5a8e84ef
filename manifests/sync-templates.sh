#!/bin/sh
# Copy the injector templates into the kustomize base. kustomize only reads files inside the base directory,
# so manifests/templates/ holds copies of ../templates/{config,values}; test/manifests checks they match.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../templates"
dst="$here/templates"
mkdir -p "$dst"
for f in config values; do
  if [ ! -f "$src/$f" ]; then
    echo "sync-templates: $src/$f is missing" >&2
    exit 1
  fi
  cp "$src/$f" "$dst/$f"
done
echo "sync-templates: copied config and values from $src"
