#!/bin/sh
# Build swebot's base sandbox image from Debian packages alone: debootstrap a minimal
# bookworm root, add Python, git, pytest and coverage, then `docker import` it.
#
# For machines that cannot pull from an image registry (CI, air-gapped users). Where a
# registry is reachable, `docker build sandboxes/` with the Dockerfile does the same job.
#
# Usage (as root): sandboxes/build-base-image.sh [TAG]
#   TAG       image tag, default swebot/base:latest
#   MIRROR    Debian mirror, default http://deb.debian.org/debian
#   SUITE     Debian suite, default bookworm
#   KEEP_ROOT=1 keeps the unpacked root in $WORKDIR for inspection
set -eu

TAG="${1:-swebot/base:latest}"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
SUITE="${SUITE:-bookworm}"
WORKDIR="$(mktemp -d /tmp/swebot-base.XXXXXX)"
ROOT="$WORKDIR/root"

cleanup() {
    # A failed debootstrap can leave /proc or /sys mounted inside the root.
    for m in proc sys dev/pts dev; do umount -l "$ROOT/$m" 2>/dev/null || true; done
    [ "${KEEP_ROOT:-0}" = 1 ] || rm -rf "$WORKDIR"
}
trap cleanup EXIT INT TERM

[ "$(id -u)" = 0 ] || { echo "build-base-image.sh: must run as root (debootstrap needs it)" >&2; exit 3; }
command -v debootstrap >/dev/null || { echo "build-base-image.sh: debootstrap missing: apt-get install -y debootstrap" >&2; exit 3; }
docker info >/dev/null 2>&1 || { echo "build-base-image.sh: the Docker daemon does not answer (start dockerd)" >&2; exit 3; }

# python-is-python3: test commands say `python -m pytest`. pip/venv are there so
# per-repository images can install declared dependencies;
# python3-pytest and python3-coverage are the test tools swebot relies on.
PACKAGES="python3,python-is-python3,python3-pip,python3-venv,python3-pytest,python3-coverage,git,ca-certificates,procps"

echo ">> debootstrap $SUITE (minbase) from $MIRROR"
debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$ROOT" "$MIRROR"

echo ">> configuring the root"
# The sandbox user: commands run unprivileged; uid 1000 matches the ownership put_archive gives files.
chroot "$ROOT" useradd --create-home --uid 1000 --user-group --shell /bin/sh swebot
# Files arrive owned by the sandbox user while git may run as another user (builds run as root).
printf '[safe]\n\tdirectory = *\n[user]\n\tname = swebot\n\temail = swebot@localhost\n' > "$ROOT/etc/gitconfig"
# The image is disposable, so pip may install into the system interpreter (PEP 668 marker off).
rm -f "$ROOT"/usr/lib/python3*/EXTERNALLY-MANAGED
mkdir -p "$ROOT/opt/swebot" "$ROOT/workspace"
chroot "$ROOT" chown swebot:swebot /workspace

echo ">> trimming"
chroot "$ROOT" apt-get clean
rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/* "$ROOT"/var/log/* \
       "$ROOT"/usr/share/doc/* "$ROOT"/usr/share/man/* "$ROOT"/usr/share/info/* \
       "$ROOT"/usr/share/locale/* "$ROOT"/tmp/* "$ROOT"/var/tmp/*
# Keep the compiled bytecode Debian's postinst wrote: without it every python3 start in the
# sandbox (where /usr is read-only to the user) recompiles the stdlib and pytest, ~0.4s a run.
chroot "$ROOT" python3 -m compileall -q /usr/lib/python3 /usr/lib/python3.* >/dev/null 2>&1 || true

echo ">> docker import as $TAG"
tar --numeric-owner -C "$ROOT" -c . | docker import \
    --change 'LABEL swebot=1' \
    --change 'LABEL swebot.kind=base' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'ENV PIP_DISABLE_PIP_VERSION_CHECK=1' \
    --change 'WORKDIR /workspace' \
    --change 'CMD ["sleep", "infinity"]' \
    - "$TAG"
docker image inspect --format '{{.Id}} {{.Size}}' "$TAG"
echo ">> built $TAG"
