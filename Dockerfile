# syntax=docker/dockerfile:1
# One image for every role: `docker run user-sync <command>` (listener, worker, dashboard, all, replay, ...).

# --- build: compile TypeScript with the full toolchain ---------------------------------------------------
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The MongoDB emulator workspace: the build compiles against it; the runtime image never contains it.
COPY packages/mongo-emulator/package.json ./packages/mongo-emulator/
# A lockfile resolved against a registry that serves only some platforms' optional native builds (@swc/*)
# fails `npm ci`'s completeness check; `npm install` then installs the same locked versions (as .ci/run does).
RUN npm ci --no-audit --no-fund || npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY packages ./packages
COPY src ./src
COPY jobs ./jobs
RUN npm run build

# --- production dependencies only, installed from the same lockfile ----------------------------------------
# packages/ is not copied: without it npm links no workspace, so the emulator (a dev dependency) stays out.
FROM node:20-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN (npm ci --omit=dev --no-audit --no-fund || npm install --omit=dev --no-audit --no-fund) \
  && npm cache clean --force

# --- runtime: compiled JavaScript, production node_modules, no compilers, not root ----------------------------
FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0
WORKDIR /app
COPY --from=prod-deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
# `user-sync <command>` inside the container too (docker exec, kubectl exec), as the tool's own hints say.
RUN ln -s /app/dist/src/cli/bin.js /usr/local/bin/user-sync && chmod 755 /app/dist/src/cli/bin.js
# The `node` user (uid 1000) ships with the official image.
USER node
EXPOSE 3000
# Liveness only: /healthz answers while the process runs. Readiness (/readyz) is for orchestrators that
# route or gate rollouts on it; a container restarted because MongoDB is down would not help.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM reaches node directly (exec form): it drains, a second signal forces the exit.
ENTRYPOINT ["node", "dist/src/cli/bin.js"]
CMD ["worker"]
