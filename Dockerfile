# Build: a static binary, no cgo.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/sellerbot ./cmd/sellerbot

# Run: distroless static, non-root; the database lives on a volume.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/sellerbot /usr/local/bin/sellerbot
USER nonroot:nonroot
WORKDIR /data
VOLUME ["/data"]
ENV SELLERBOT_DB=/data/sellerbot.db \
    SELLERBOT_ADDR=:8080
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/sellerbot", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/sellerbot"]
CMD ["serve"]
