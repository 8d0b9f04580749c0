# One image for every Pipewright service; SERVICE picks which one runs.
#   docker build --build-arg SERVICE=pipeline-engine -t pipewright/pipeline-engine .
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund \
 && npx turbo run build --filter="./apps/*" \
 && npm prune --omit=dev

FROM node:24-bookworm-slim
# Pipeline tasks and environment health checks commonly use curl.
RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app /app
ARG SERVICE
ENV SERVICE=${SERVICE} NODE_ENV=production HOST=0.0.0.0
USER node
CMD ["sh", "-c", "exec node apps/${SERVICE}/dist/main.js"]
