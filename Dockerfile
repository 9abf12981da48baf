# Build a static binary, then run it as a non-root user in a minimal image.
# Release builds name their version: docker build --build-arg VERSION=$(git describe --tags --always --dirty) .
FROM golang:1.26 AS build
ARG VERSION=dev
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o /out/laborbot ./cmd/laborbot \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/laborbot /laborbot
# /data belongs to the image's user, nonroot (uid 65532). A directory
# bind-mounted there must belong to it too: sudo chown -R 65532:65532 DIR.
COPY --from=build --chown=65532:65532 /out/data /data
# The public site (web chat, console, webhook) on 8080. The operators'
# endpoints (/healthz, /metrics) on 9090: reachable from the container's
# network (Prometheus scrapes bot:9090) but not EXPOSEd, so `docker run -P`
# does not publish them.
ENV DATA_DIR=/data HTTP_ADDR=:8080 OPS_ADDR=:9090
USER nonroot:nonroot
EXPOSE 8080
VOLUME ["/data"]
# distroless has no curl: the binary checks itself (GET /healthz on OPS_ADDR).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["/laborbot", "healthcheck"]
ENTRYPOINT ["/laborbot"]
