# Build: docker build -t rollguard .
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin rollguard

FROM debian:bookworm-slim
RUN useradd --system --home /var/lib/rollguard --create-home rollguard
COPY --from=build /src/target/release/rollguard /usr/local/bin/rollguard
USER rollguard
WORKDIR /var/lib/rollguard
# A non-loopback address: serve refuses to start unless API tokens are configured
# (ROLLGUARD_TOKENS or ROLLGUARD_TOKENS_FILE) or ROLLGUARD_ALLOW_UNAUTHENTICATED=true.
ENV ROLLGUARD_LISTEN=0.0.0.0:8080
# glibc malloc: a fixed mmap threshold, so the memory of large request bodies goes back to the
# system when they are done (README, Operations: Memory; docs/performance.md)
ENV MALLOC_MMAP_THRESHOLD_=131072
EXPOSE 8080
ENTRYPOINT ["rollguard"]
CMD ["serve"]
