"""The kernel nbgrader runs a submission in, sandboxed (grading/sandbox.py): its own namespaces (no
network), a jail without the course tree, an unprivileged uid, resource limits, a clean environment.

The kernel talks to nbgrader over unix sockets (jupyter's "ipc" transport) in a directory of its own
that is the only writable host directory in its jail; its working directory is an empty scratch
directory whose ``../data`` is the repository's data/ (read-only), as in the repository and the
release. TimedExecute (course_preprocessors.py) uses :class:`SandboxKernelManager`.

Directories: $GRADE_SANDBOX_DIR (course.py makes it, mode 0700) holds ``jail`` (an empty mount point;
each sandbox mounts its own jail there in its own mount namespace) and ``s/`` (the socket directories).
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile

from jupyter_client.manager import AsyncKernelManager

import sandbox

DATA = os.path.join(sandbox.ROOT, "data")
_DIR = None


def sandbox_dir() -> str:
    """$GRADE_SANDBOX_DIR, or a private temporary directory made once per process; with ``jail`` and ``s``."""
    global _DIR
    if _DIR is None:
        base = os.environ.get("GRADE_SANDBOX_DIR")
        if not base:
            base = tempfile.mkdtemp(prefix="lstm-sandbox-")
            atexit.register(shutil.rmtree, base, True)
        for sub in ("jail", "s"):
            os.makedirs(os.path.join(base, sub), mode=0o700, exist_ok=True)
        _DIR = base
    return _DIR


class SandboxKernelManager(AsyncKernelManager):
    """An AsyncKernelManager whose kernel command runs inside ``sandbox.py run``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        base = sandbox_dir()
        self.transport = "ipc"
        self._sockdir = tempfile.mkdtemp(prefix="k", dir=os.path.join(base, "s"))
        self._uid = sandbox.sandbox_ids()[0]
        if sandbox.tier() == "root":
            os.chown(self._sockdir, self._uid, self._uid)
        self.ip = os.path.join(self._sockdir, "k")

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        return sandbox.kernel_command(cmd, connection_file=os.path.realpath(self.connection_file),
                                      sockdir=self._sockdir, root=os.path.join(sandbox_dir(), "jail"),
                                      uid=self._uid, data_dir=DATA)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self._sockdir, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources
