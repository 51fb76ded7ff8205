# syntax=docker/dockerfile:1
# Multi-stage build: compile in the Rust image, run from a slim Debian image
# as an unprivileged user.

FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY config ./config
COPY schema ./schema
# Compiled into the binary (stopword list); benches/ because Cargo.toml names a bench target.
COPY data ./data
COPY benches ./benches
RUN cargo build --release --locked --bin newswire \
    && strip target/release/newswire

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/newswire newswire \
    && mkdir -p /var/lib/newswire/state /var/lib/newswire/output /etc/newswire \
    && chown -R newswire:newswire /var/lib/newswire
COPY --from=build /src/target/release/newswire /usr/local/bin/newswire
COPY config/newswire.toml /etc/newswire/newswire.toml
COPY schema/article.schema.json /usr/share/newswire/article.schema.json
ENV NEWSWIRE_CONFIG=/etc/newswire/newswire.toml \
    NEWSWIRE_LOG__FORMAT=json \
    NEWSWIRE_OPS__LISTEN=0.0.0.0:9464
VOLUME ["/var/lib/newswire/state", "/var/lib/newswire/output"]
WORKDIR /var/lib/newswire
USER newswire
EXPOSE 9464
# Ready = state store answering, sinks writable, taking work. bash's
# /dev/tcp keeps curl out of the image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9464 && printf 'GET /readyz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
# `run` stops cleanly on SIGTERM (docker stop): give it the grace period.
STOPSIGNAL SIGTERM
ENTRYPOINT ["newswire"]
CMD ["run"]
