# Tender's gateway image: built once from source, run with production dependencies only,
# as an unprivileged user. See docs/operations.md.
#
#   docker build -t tender .
#   docker build --build-arg BASE_IMAGE=registry.example/debian-node20 -t tender .
#
# BASE_IMAGE is any Debian-based image with Node.js 20 (node and npm on PATH). The
# default is the official one; CI, which reaches no registry, builds its own from
# Debian bookworm and the machine's Node (test/container/run.sh).
ARG BASE_IMAGE=node:20-bookworm-slim
# Where the base image keeps Node's headers (include/node): node-gyp reads them there
# instead of downloading them when better-sqlite3 has to be compiled.
ARG NODE_HEADERS_DIR=/usr/local

# --- build: compiled once, then pruned to production dependencies ------------------------
# One stage does it all: each committed stage costs a copy of the whole file system on
# some storage drivers (podman's vfs), and better-sqlite3 (native) compiles only once.
# `npm prune --omit=dev` leaves exactly what `npm ci --omit=dev` would install from the
# same lock file, without downloading or compiling anything again.
FROM ${BASE_IMAGE} AS build
ARG NODE_HEADERS_DIR
ENV npm_config_nodedir=${NODE_HEADERS_DIR}
# Python, make and g++ compile better-sqlite3 when no prebuilt binary fits or the
# download is blocked.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The whole gateway (every workspace: core, dashboard, adapters/*, plugins/*) as
# .dockerignore filters it: sources and manifests, no node_modules, dist, tests or docs.
COPY . .
RUN npm ci --no-audit --no-fund \
 && npm run build:gateway \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force \
 && node scripts/image-slim.js

# --- runtime: no compiler, no TypeScript, no sources --------------------------------------
FROM ${BASE_IMAGE}
RUN groupadd --system --gid 10001 tender \
 && useradd --system --uid 10001 --gid tender --home-dir /var/lib/tender --no-create-home --shell /usr/sbin/nologin tender \
 && mkdir -p /var/lib/tender \
 && chown tender:tender /var/lib/tender \
 && chmod 700 /var/lib/tender
WORKDIR /app
# node_modules holds links to the workspaces (node_modules/@tender/core -> ../../core):
# the workspaces sit at the same paths here, each with its manifest and the files it
# publishes (dist/, templates/, locales/).
COPY --from=build /src /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    TENDER_DATA_DIR=/var/lib/tender
USER tender
EXPOSE 8080
VOLUME ["/var/lib/tender"]
# node runs as PID 1, which gets no default signal handling: the gateway installs its
# own for SIGTERM and SIGINT (finish in-flight requests, then exit 0).
ENTRYPOINT ["node", "/app/core/dist/main.js"]
CMD ["start"]
