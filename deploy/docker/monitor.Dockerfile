# The monitor: one bundled ES module (esbuild), on the same Node base image
# as the service. `run` is a member of the consumer group (or the whole
# monitor), `reduce` the reducer; both serve /metrics on 9465.
#
# Built by build-images.sh --with-monitor; where a registry is reachable:
#   --build-arg BASE=node:20-bookworm-slim
ARG BASE=modelwatch/node-base:20
FROM ${BASE}
ARG VERSION=dev
LABEL org.opencontainers.image.title="modelwatch monitor" org.opencontainers.image.version="${VERSION}"
COPY monitor.mjs /app/
ENV NODE_ENV=production
EXPOSE 9465
HEALTHCHECK --interval=5s --timeout=5s --start-period=30s --retries=3 CMD ["/usr/local/bin/node", "/app/monitor.mjs", "healthcheck"]
USER 65534:65534
ENTRYPOINT ["/usr/local/bin/node", "/app/monitor.mjs"]
CMD ["run"]
