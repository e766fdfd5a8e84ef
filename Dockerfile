# The image manifests/deployment.yaml runs (mesh-admission:latest). Build: docker build -t mesh-admission .
FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# tsx is a runtime dependency: the service runs its TypeScript sources directly.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY src ./src
COPY templates ./templates
COPY tsconfig.json ./
# The Deployment runs as a non-root uid with a read-only root filesystem; nothing is written at run time
# (certificates live in a Secret, configuration comes from the API).
USER 65532:65532
EXPOSE 15017
ENTRYPOINT ["node", "--import", "tsx", "src/main.ts"]
