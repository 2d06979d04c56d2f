#!/bin/sh
# Builds the images of the reference service without any image registry:
#   modelwatch/node-base:20          FROM scratch: this machine's node and the libraries it links (ldd)
#   modelwatch/recommender:<version> the service bundled into one file (esbuild) and a model file trained at build time
#   with --monitoring also
#   modelwatch/prometheus:local      Debian's prometheus binary, the same way
#   modelwatch/node-exporter:local   Debian's prometheus-node-exporter binary, the same way
#   with --with-monitor also
#   modelwatch/monitor:<version>     the monitor (apps/monitor) bundled into one ES module
# Usage: deploy/docker/build-images.sh [--monitoring] [--with-monitor] <version> [<version> ...]
# Run after `pnpm install`. Needs docker and node (and for --monitoring the
# Debian packages prometheus and prometheus-node-exporter).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/deploy/docker"
docker=${DOCKER:-docker}
monitoring=false
with_monitor=false
if [ "${1:-}" = "--monitoring" ]; then monitoring=true; shift; fi
if [ "${1:-}" = "--with-monitor" ]; then with_monitor=true; shift; fi
[ "$#" -ge 1 ] || { echo "usage: $0 [--monitoring] [--with-monitor] <version> [<version> ...]" >&2; exit 2; }
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

# The monitor: one ES module (the report's chart library awaits at top level, which CommonJS cannot).
if $with_monitor; then
  mkdir -p "$work/monitor"
  "$root/apps/recommender/node_modules/.bin/esbuild" "$root/apps/monitor/src/main.ts" --bundle --platform=node --target=node20 --format=esm \
    --external:protobufjs/minimal --external:canvas --log-level=warning \
    "--banner:js=import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" \
    --outfile="$work/monitor/monitor.mjs"
  for version in "$@"; do
    DOCKER_BUILDKIT=0 $docker build -q --build-arg "VERSION=$version" -t "modelwatch/monitor:$version" -f "$here/monitor.Dockerfile" "$work/monitor" >/dev/null 2>&1
    echo "built modelwatch/monitor:$version"
  done
fi
