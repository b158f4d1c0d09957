#!/bin/sh
# Make a Docker engine and swebot's base image available for the docker-marked tests.
# Run as root; each step is skipped when already done, so it is cheap to call every time:
#   1. install docker.io, debootstrap and docker-registry (tests run a registry on 127.0.0.1 and
#      pull SWE-bench-layout images from it) from Debian if missing;
#   2. start dockerd in the background if no daemon answers, and wait (bounded) until it does;
#   3. build swebot/base:latest from Debian packages (sandboxes/build-base-image.sh) if missing.
# Exit status: 0 ready, 3 something could not be set up (the message says what).
set -eu
cd "$(dirname "$0")/.."

DOCKERD_WAIT="${DOCKERD_WAIT:-60}"          # seconds to wait for a fresh daemon
DOCKERD_LOG="${DOCKERD_LOG:-/tmp/swebot-dockerd.log}"
BASE_IMAGE="${SWEBOT_BASE_IMAGE:-swebot/base:latest}"

fail() { echo "setup-docker: $*" >&2; exit 3; }

[ "$(id -u)" = 0 ] || fail "must run as root (installs packages, starts dockerd)"

missing=""
command -v dockerd >/dev/null 2>&1 || missing="$missing docker.io"
command -v debootstrap >/dev/null 2>&1 || missing="$missing debootstrap"
command -v docker-registry >/dev/null 2>&1 || missing="$missing docker-registry"
if [ -n "$missing" ]; then
    echo "setup-docker: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q || fail "apt-get update failed"
    # shellcheck disable=SC2086
    apt-get install -y -q $missing || fail "apt-get install$missing failed"
fi

if ! docker info >/dev/null 2>&1; then
    echo "setup-docker: starting dockerd (log: $DOCKERD_LOG)"
    nohup dockerd >"$DOCKERD_LOG" 2>&1 &
    waited=0
    until docker info >/dev/null 2>&1; do
        if [ "$waited" -ge "$DOCKERD_WAIT" ]; then
            tail -n 20 "$DOCKERD_LOG" >&2 || true
            fail "dockerd did not answer within ${DOCKERD_WAIT}s"
        fi
        sleep 1
        waited=$((waited + 1))
    done
    echo "setup-docker: dockerd answers after ${waited}s"
fi

if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    echo "setup-docker: $BASE_IMAGE present"
else
    echo "setup-docker: building $BASE_IMAGE from Debian packages"
    sh sandboxes/build-base-image.sh "$BASE_IMAGE" || fail "building $BASE_IMAGE failed"
fi
