# The reference recommender service: one bundled file (esbuild), the model
# file trained at build time, on a Node base image. The same image runs the
# balancer (`balance`) and the simulated users (`users`).
#
# Built by build-images.sh; BASE defaults to the local from-scratch image
# (node-base.Dockerfile). Where a registry is reachable:
#   --build-arg BASE=node:20-bookworm-slim
ARG BASE=modelwatch/node-base:20
FROM ${BASE}
ARG VERSION=dev
ARG NODE=/usr/local/bin/node
LABEL org.opencontainers.image.title="modelwatch recommender" org.opencontainers.image.version="${VERSION}"
COPY recommender.cjs models.json /app/
ENV RECOMMENDER_MODEL_FILE=/app/models.json \
    RECOMMENDER_VERSION=${VERSION} \
    NODE_ENV=production
EXPOSE 8080
# Readiness, not liveness: Swarm's start-first update waits for it before it stops an old task.
HEALTHCHECK --interval=2s --timeout=2s --start-period=10s --retries=3 CMD ["/usr/local/bin/node", "/app/recommender.cjs", "healthcheck"]
USER 65534:65534
ENTRYPOINT ["/usr/local/bin/node", "/app/recommender.cjs"]
CMD ["serve"]
