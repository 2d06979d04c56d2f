# A base image built without any registry: FROM scratch, with one binary of
# the build machine and exactly the shared libraries it links (ldd), gathered
# into rootfs/ by build-images.sh. Used for Node (modelwatch/node-base:20)
# and, for the stack's monitoring, Debian's prometheus and
# prometheus-node-exporter binaries.
#
# Where a registry is reachable, use the official images instead:
#   the service: docker build --build-arg BASE=node:20-bookworm-slim -f recommender.Dockerfile <context>
#   the stack:   PROMETHEUS_IMAGE=prom/prometheus:v2.53.0 NODE_EXPORTER_IMAGE=prom/node-exporter:v1.8.1
FROM scratch
COPY rootfs/ /
ENV PATH=/usr/local/bin:/usr/bin
USER 65534:65534
