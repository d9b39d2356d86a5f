# syntax=docker/dockerfile:1
# Nexora's container image: `nexora serve` (and, with another command, `nexora worker`) from the packed
# package. The final stage is FROM scratch: the Node binary, the shared libraries it links, the app and
# its production dependencies, nothing else (no shell, no npm, no package manager), owned by root and
# run as a numeric non-root user, so the root file system can be mounted read-only; only /data and /tmp
# are written. docs/deploy/README.md ("The container image") has the build, the budget and the secrets.
#
#   docker build -t nexora .                                   # or podman/buildah: the same file
#   docker build --build-arg EXTRA_PEERS="@tensorflow/tfjs @tensorflow/tfjs-backend-wasm onnxruntime-web" -t nexora:full .
#
# BUILD_IMAGE is any image with Node >= 20 and npm >= 10 and a POSIX shell: the official one (pin it by
# digest), or one made from Debian packages where no registry is reachable (docs/deploy/README.md).
ARG BUILD_IMAGE=node:20-bookworm-slim

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
# The lock first, so a source change does not reinstall. Every dependency (dev ones too: tsc and esbuild
# build dist/ and the web UI); --ignore-scripts because nothing the build uses needs an install script.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
# npm pack runs prepack: the web UI (site/dist) and dist/. The tarball is exactly what npm publishes.
RUN mkdir /pkg && npm pack --pack-destination /pkg
# The server's optional peers (storage, queue, FHIR, API docs) plus EXTRA_PEERS, at the versions in
# package-lock.json, and production dependencies only (--omit=dev).
ARG EXTRA_PEERS=""
RUN sh deploy/image/install-app.sh /pkg/nexora-*.tgz /rootfs/app ${EXTRA_PEERS}
# The Node binary and the libraries it links (from ldd), /etc/passwd naming the user, /data and /tmp.
RUN sh deploy/image/rootfs.sh /rootfs 10001

FROM scratch
COPY --from=build /rootfs/ /
# A named volume starts as a copy of the image's directory, ownership included: the user must own it.
COPY --from=build --chown=10001:10001 /rootfs/data/ /data/
USER 10001:10001
WORKDIR /app
# Production: the server refuses to start without a key set (NEXORA_JWKS_FILE or _URL, NEXORA_JWT_ISSUERS,
# NEXORA_JWT_AUDIENCE); keys and the database URL come from secret files at run time, never from the image.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    NEXORA_DATA_DIR=/data \
    NEXORA_DB=file:/data/nexora.db
VOLUME ["/data"]
EXPOSE 8000
# Readiness, not liveness: /health/ready is 503 while the database or the audit writer is down. Node's own
# fetch, since the image has no curl or shell.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/local/bin/node", "/app/bin/nexora.mjs"]
CMD ["serve", "--host", "0.0.0.0"]
