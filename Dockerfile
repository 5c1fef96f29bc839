# One image for every HuleEdu process; docker-compose.yml picks the npm script to run.
# Node 24 (LTS): Node 20 is past its end of life, and some dependencies (@nats-io/nuid 3,
# cookie 2) declare node >= 22. Every test suite passes on Node 24.22.3 and 22.23.5 (and on
# 20, which CI runs).
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
USER node
CMD ["npx", "tsx", "cli/huleedu.ts"]
