# Multi-stage build: compile in the Rust image, run in a small Debian image as a non-root user.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
# The demo (in-process GitLab simulator) is left out of the production binary.
RUN cargo build --release --locked -p gitlab-connector --no-default-features \
 && strip target/release/gitlab-connector

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --create-home connector
COPY --from=build /src/target/release/gitlab-connector /usr/local/bin/gitlab-connector
USER connector
WORKDIR /app
# Mount your config.yml at /config/config.yml (see config.yml.example).
ENTRYPOINT ["/usr/bin/tini", "--", "gitlab-connector"]
CMD ["run", "-c", "/config/config.yml"]
