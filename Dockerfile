# Duban: chat-native ticket accountability bot.
# Build: docker build -t duban .   Run: docker run -p 3000:3000 -v duban-data:/data duban
# Against a MongoDB replica set: docker compose up --build (see docker-compose.yml).
# Admin tools in the image: node dist/scripts/export.js … · node dist/scripts/org.js … ·
# node dist/scripts/policy-check.js … (the same as npm run export / org / policy:check).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tsconfig.scripts.json ./
COPY src ./src
COPY adapters ./adapters
COPY conversations ./conversations
COPY jobs ./jobs
COPY scripts ./scripts
# The app and the admin scripts, compiled (tsx is a development tool, not in the image).
RUN npx tsc -p tsconfig.scripts.json

FROM node:20-bookworm-slim
ENV NODE_ENV=production DATA_DIR=/data PORT=3000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json manifest.json ./
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
