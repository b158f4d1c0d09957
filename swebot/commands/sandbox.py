"""``swebot sandbox build PATH`` and ``swebot sandbox prune``: manage swebot's Docker images.

``build`` prepares a repository's environment image ahead of a repair, so ``swebot fix``
starts in seconds. ``prune`` removes what swebot left behind: temporary folders (workspace
copies) whose swebot process is gone (never a live run's, even with --force), containers whose swebot
process is gone (or, when that cannot be known, that are not running; every one with
--force) and environment images (and the base image with --base). Everything is found by
the ``swebot=1`` label.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from swebot.errors import BadInput


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser("sandbox", help="build or prune swebot's Docker sandbox images")
    actions = parser.add_subparsers(dest="sandbox_command", metavar="ACTION")

    build = actions.add_parser("build", help="build the environment image for a repository ahead of time")
    build.add_argument("path", type=Path, help="the repository whose dependency files define the image")
    build.add_argument("--base", default=None, help="base image (default: swebot/base:latest)")
    build.add_argument("-q", "--quiet", action="store_true", help="do not stream the build log")
    build.set_defaults(handler=run_build)

    prune = actions.add_parser("prune", help="remove swebot's leftover containers and folders, and its environment images "
                                 "(rebuilt when next needed)")
    prune.add_argument("--force", action="store_true", help="also remove containers of running swebot processes")
    prune.add_argument("--base", action="store_true", help="also remove the base image")
    prune.add_argument("--keep-images", action="store_true",
                       help="remove only leftovers (containers, temporary folders), keep the images")
    prune.add_argument("--dry-run", action="store_true", help="list what would be removed")
    prune.set_defaults(handler=run_prune)

    def usage(_args: argparse.Namespace) -> int:
        parser.print_help()
        return 2

    parser.set_defaults(handler=usage)


def _to_stderr(text: str) -> None:
    sys.stderr.write(text)


def run_build(args: argparse.Namespace) -> int:
    from swebot.sandbox.docker import connect
    from swebot.sandbox.images import BASE_IMAGE, build_env_image

    path = Path(args.path)
    if not path.is_dir():
        raise BadInput(f"not a directory: {path}")
    client = connect()
    started = time.monotonic()
    tag = build_env_image(
        client,
        path,
        base=args.base or BASE_IMAGE,
        on_log=None if args.quiet else _to_stderr,
    )
    print(f"{tag}  ({time.monotonic() - started:.1f}s)")
    return 0


def _stale(status: str, labels: dict[str, str]) -> bool:
    from swebot.leftovers import container_owner_alive

    alive = container_owner_alive(labels)
    if alive is None:
        return status != "running"
    # A live owner's container may be "created" for a moment while it starts: leave it be.
    return not alive


def run_prune(args: argparse.Namespace) -> int:
    from swebot.errors import EnvironmentProblem
    from swebot.leftovers import remove_folder, stale_folders
    from swebot.sandbox.docker import connect
    from swebot.sandbox.images import ENVIRONMENT_KINDS, KIND_LABEL, LABEL

    removed = 0
    # Folders first: they need no Docker, and a killed local run leaves only those.
    for folder in stale_folders():
        print(f"folder {folder}")
        if not args.dry_run:
            remove_folder(folder)
        removed += 1
    try:
        client = connect()
    except EnvironmentProblem:
        print(f"{'would remove' if args.dry_run else 'removed'} {removed} folder(s); "
              "containers and images not checked (no Docker)")
        raise
    # ignore_removed: a container another run removes between the listing and its inspection is gone, not an error.
    for container in client.containers.list(all=True, filters={"label": f"{LABEL}=1"}, ignore_removed=True):
        if not (args.force or _stale(container.status, container.labels)):
            continue
        print(f"container {container.short_id} ({container.status})")
        if not args.dry_run:
            container.remove(force=True)
        removed += 1
    # Environment images (a repository's, or one built from SWE-bench specs) are caches: the next
    # run that needs one builds it again. The base image goes only when asked (--base).
    kinds = () if args.keep_images else (*ENVIRONMENT_KINDS, *(("base",) if args.base else ()))
    for image in client.images.list(filters={"label": f"{LABEL}=1"}):
        if image.labels.get(KIND_LABEL) not in kinds:
            continue
        print(f"image {', '.join(image.tags) or image.short_id}")
        if not args.dry_run:
            client.images.remove(image.id, force=True)
        removed += 1
    print(f"{'would remove' if args.dry_run else 'removed'} {removed} item(s)")
    return 0
