# Build a static binary, then run it as a non-root user in a minimal image.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/laborbot ./cmd/laborbot \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/laborbot /laborbot
COPY --from=build --chown=nonroot:nonroot /out/data /data
ENV DATA_DIR=/data HTTP_ADDR=:8080
USER nonroot:nonroot
EXPOSE 8080
VOLUME ["/data"]
ENTRYPOINT ["/laborbot"]
