# The image manifests/deployment.yaml runs (mesh-admission:latest). Build: docker build -t mesh-admission .
# Two stages: the first compiles src/ to dist/ (npm ci runs `prepare`, which runs tsc); the second holds
# only production dependencies and the compiled JavaScript, so the service starts without a TypeScript loader.
FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm ci --no-audit --no-fund

FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would try to compile, and dist/ comes from the build stage.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist ./dist
COPY templates ./templates
# The Deployment runs as a non-root uid with a read-only root filesystem; nothing is written at run time
# (certificates live in a Secret, configuration comes from the API).
USER 65532:65532
EXPOSE 15017
ENTRYPOINT ["node", "dist/main.js"]
