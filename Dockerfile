# syntax=docker/dockerfile:1
# 车主会员助手: build with all dependencies, run with production dependencies only, as a non-root
# user, in one process (`node dist/main.js`). Not built here (no container engine on the project's
# machine); `npm run check:install` proves the same steps (npm ci --omit=dev, npm run build,
# node dist/main.js → healthy /healthz) in a fresh folder.

ARG NODE_IMAGE=node:22-bookworm-slim

# 1. Build: TypeScript → dist/ (esbuild bundle, source maps, runtime files, the console bundle).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY flows ./flows
COPY jobs ./jobs
COPY scripts ./scripts
RUN npm run build

# 2. Production dependencies only.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. Runtime.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/app/.data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# DATA_DIR holds the generated admin key when STAFF_API_KEYS is unset (and embedded servers' data,
# which production does not use: set MONGODB_URI and REDIS_URL).
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
# Ready = MongoDB and Redis reachable (/readyz); node's own fetch, no curl in the slim image.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The role comes after it: `--role web` or `--role worker` (compose.yaml); default `all`.
CMD ["node", "dist/main.js"]
