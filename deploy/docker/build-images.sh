#!/bin/sh
# Builds the images of the reference service without any image registry:
#   modelwatch/node-base:20          FROM scratch: this machine's node and the libraries it links (ldd)
#   modelwatch/recommender:<version> the service bundled into one file (esbuild) and a model file trained at build time
#   with --monitoring also
#   modelwatch/prometheus:local      Debian's prometheus binary, the same way
#   modelwatch/node-exporter:local   Debian's prometheus-node-exporter binary, the same way
# Usage: deploy/docker/build-images.sh [--monitoring] <version> [<version> ...]
# Run after `pnpm install`. Needs docker and node (and for --monitoring the
# Debian packages prometheus and prometheus-node-exporter).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/deploy/docker"
docker=${DOCKER:-docker}
monitoring=false
if [ "${1:-}" = "--monitoring" ]; then monitoring=true; shift; fi
[ "$#" -ge 1 ] || { echo "usage: $0 [--monitoring] <version> [<version> ...]" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# binary_image <tag> <binary> <path in the image>: FROM scratch with the binary and what it links.
binary_image() {
  dir="$work/$(echo "$1" | tr '/:' '__')"
  bin=$(readlink -f "$2")
  mkdir -p "$dir/rootfs$(dirname "$3")" "$dir/rootfs/tmp"
  cp "$bin" "$dir/rootfs$3"
  for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*' || true); do
    mkdir -p "$dir/rootfs$(dirname "$lib")"
    cp -L "$lib" "$dir/rootfs$lib"
  done
  chmod 1777 "$dir/rootfs/tmp"
  DOCKER_BUILDKIT=0 $docker build -q -t "$1" -f "$here/rootfs.Dockerfile" "$dir" >/dev/null 2>&1
  echo "built $1"
}

binary_image modelwatch/node-base:20 "$(command -v node)" /usr/local/bin/node
if $monitoring; then
  binary_image modelwatch/prometheus:local /usr/bin/prometheus /usr/bin/prometheus
  binary_image modelwatch/node-exporter:local /usr/bin/prometheus-node-exporter /usr/bin/node_exporter
fi

# The service: one CommonJS bundle, and the models trained on the simulator.
mkdir -p "$work/app"
"$root/apps/recommender/node_modules/.bin/esbuild" "$root/apps/recommender/src/main.ts" --bundle --platform=node --target=node20 --format=cjs \
  --external:protobufjs/minimal --log-level=warning --outfile="$work/app/recommender.cjs"
node "$work/app/recommender.cjs" train --out "$work/app/models.json"
for version in "$@"; do
  DOCKER_BUILDKIT=0 $docker build -q --build-arg "VERSION=$version" -t "modelwatch/recommender:$version" -f "$here/recommender.Dockerfile" "$work/app" >/dev/null 2>&1
  echo "built modelwatch/recommender:$version"
done
