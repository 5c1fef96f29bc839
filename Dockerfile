# One image for every HuleEdu process; docker-compose.yml picks the npm script to run.
# Node 22: Node 20 is past its end of life, and some dependencies (@nats-io/nuid 3, cookie 2)
# declare node >= 22. Every test suite passes on 22.23.5. Node 24 passes too, except that
# kafkajs 2.2.4 (its last release) prints a TimeoutNegativeWarning on every client
# (tulios/kafkajs#1751, harmless: Node 20/22 clamp the same delay silently).
FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
USER node
CMD ["npx", "tsx", "cli/huleedu.ts"]
