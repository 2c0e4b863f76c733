# syntax=docker/dockerfile:1
# Portico server image: `docker build -t portico .`, then `docker run portico <command>` (default: serve).
# Stages: build (npm ci + tsc), prod-deps (runtime node_modules only), runtime (slim, non-root).
ARG NODE_IMAGE=node:24-slim

# ---- build: compile the server with the full dependency tree -------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY server/package.json server/
# Scripts are skipped: the root "prepare" would build before the sources are copied, and argon2/bcrypt
# load the prebuilt binaries they ship (node-gyp-build finds them at require time).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/build-pglite-template.mjs scripts/build-common-passwords.mjs scripts/
COPY server server
RUN npm run build
# The admin console (admin-ui/, a Vite SPA) gets its own build step here once it exists.

# ---- prod-deps: production dependencies only -----------------------------------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY server/package.json server/
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# ---- runtime --------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
# tini as PID 1 forwards SIGTERM/SIGINT to the server (which drains: server/src/app/shutdown.ts) and
# reaps zombies, e.g. of WEB_CONCURRENCY cluster workers.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV HOST=0.0.0.0 \
    PORT=3000 \
    MANAGEMENT_PORT=9000 \
    PORTICO_DATA_DIR=/var/lib/portico \
    PATH=/app/server/bin:$PATH
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json ./
COPY server/package.json server/
COPY server/bin server/bin
# Static files sent to browsers as they are (the passkey ceremony script).
COPY server/assets server/assets
COPY --from=build /src/dist/server/src dist/server/src
COPY --from=build /src/dist/pglite-template.tar.gz dist/
COPY --from=build /src/dist/common-passwords.txt dist/
# Embedded mode (evaluation) keeps its PGlite data and generated key here; mount a volume to keep them.
RUN mkdir -p /var/lib/portico && chown 1000:1000 /var/lib/portico && chmod 0700 /var/lib/portico
# The image's "node" user, numeric so that Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 3000 9000
# Liveness on the management port; `portico worker` serves no HTTP, so its containers turn this off.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.MANAGEMENT_PORT||9000}/healthz`).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "portico"]
CMD ["serve"]
