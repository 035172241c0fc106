# DL-SMS server image: the API, the built SPA and the sweeper in one process.
# Build: docker build -t dlsms .   (docker-compose.yml does this for you)
FROM node:20-bookworm-slim AS build
RUN npm i -g pnpm@10.34.8
WORKDIR /app
# The whole workspace (minus .dockerignore): a frozen install needs every workspace manifest.
COPY . .
RUN pnpm install --frozen-lockfile
RUN pnpm --filter @dlsms/web build

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    GRPC_PORT=9090 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app /app
# Only used when DATABASE_URL is unset (embedded PGlite); mount a volume to keep it.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000 9090
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# tsx runs the TypeScript entry directly (no separate compile step); SIGTERM → graceful shutdown.
CMD ["node_modules/.bin/tsx", "apps/server/src/main.ts"]
