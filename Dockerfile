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

# --- toolchain: what compiles better-sqlite3 when no prebuilt binary fits ---------------
FROM ${BASE_IMAGE} AS toolchain
ARG NODE_HEADERS_DIR
ENV npm_config_nodedir=${NODE_HEADERS_DIR}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The workspaces' manifests first: the dependency layers survive source changes.
COPY package.json package-lock.json ./
COPY core/package.json core/
COPY adapters/sandbox/package.json adapters/sandbox/
COPY adapters/iso8583/package.json adapters/iso8583/
COPY plugins/assist-compat/package.json plugins/assist-compat/
COPY plugins/saleor/package.json plugins/saleor/

# --- build: every dependency (TypeScript is a dev dependency), compiled once ------------
FROM toolchain AS build
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.gateway.json ./
COPY core core
COPY adapters adapters
COPY plugins plugins
RUN npm run build:gateway

# --- prod-deps: production dependencies only, from the same lock file --------------------
FROM toolchain AS prod-deps
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime: no compiler, no TypeScript, no sources --------------------------------------
FROM ${BASE_IMAGE}
RUN groupadd --system --gid 10001 tender \
 && useradd --system --uid 10001 --gid tender --home-dir /var/lib/tender --no-create-home --shell /usr/sbin/nologin tender \
 && mkdir -p /var/lib/tender \
 && chown tender:tender /var/lib/tender \
 && chmod 700 /var/lib/tender
WORKDIR /app
# node_modules holds links to the workspaces (node_modules/@tender/core -> ../../core):
# the workspaces sit at the same paths here, with their manifests and built dist/.
COPY --from=prod-deps /src /app
COPY --from=build /src/core/dist core/dist
COPY --from=build /src/adapters/sandbox/dist adapters/sandbox/dist
COPY --from=build /src/adapters/iso8583/dist adapters/iso8583/dist
COPY --from=build /src/plugins/assist-compat/dist plugins/assist-compat/dist
COPY --from=build /src/plugins/saleor/dist plugins/saleor/dist
COPY templates templates
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
