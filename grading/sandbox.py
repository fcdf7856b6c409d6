"""Isolated processes for grading: the student's kernel and the re-check of every graded item.

Nothing a submission runs may see or change anything but its own scratch space. When grading runs as
root (tier "root"), every sandboxed process gets:

* new namespaces: mount, network (only a loopback that is down: no network), PID, IPC and UTS;
* a jail as its root directory (chroot): a tmpfs holding read-only binds of what Python needs (/usr,
  /lib*, /bin, the Python installation, the virtual environment, for the kernel the lstm_helpers
  package and data/ at /data), /dev/null, /dev/zero, /dev/urandom, a private /tmp and a scratch
  directory (cwd and HOME). The course tree (notebooks/ = instructor source, the gradebook, the other
  submissions, grading/) is not in the jail, so it can be neither read nor written;
* an unprivileged uid/gid without supplementary groups (numeric ids >= 61000 that no user or group of
  this machine has; see :func:`sandbox_ids`), no_new_privs, and resource limits (CPU seconds, address
  space, file size, processes, open files, no core dumps); what it prints is capped;
* a clean environment. When the process tree's first process (pid 1 of the PID namespace) exits, the
  kernel kills everything else in it: a submission leaves no process behind.

Not root (tier "none", or GRADE_SANDBOX_TIER=none): resource limits, a clean environment and an empty
scratch directory only; no network or file-system isolation (course.py prints a warning).

Command line (all stdlib; started by the grader, never by hand):

    python -I sandbox.py run <spec.json>       the kernel: jail, drop privileges, exec spec["argv"]
    python -I sandbox.py zygote <spec.json>    a re-check server (see below)

The zygote imports numpy, lstm_helpers and grading/recheck_child.py once, then enters its jail as root
and serves jobs read from stdin (one JSON line each, answered by one JSON line on stdout). For every job
it forks: the fork gets a new PID namespace, a fresh scratch directory /jobs/<n> (cwd and HOME), the
limits and the unprivileged uid, and runs ``recheck_child.run_job`` (the student's code runs only
there). The fork never ran student code before; the zygote never runs any. Results come back as files
in the scratch directory (JSON and .npz without pickle) that the zygote reads, size-capped, as root.
"""
from __future__ import annotations

import base64
import ctypes
import grp
import json
import os
import pwd
import resource
import select
import shutil
import signal
import stat
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.dirname(HERE)

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
NAMESPACES = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 1, 2, 4, 8, 32
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38

FIRST_ID = 61000                 # sandbox uids/gids: the first free ones from here
KERNEL_LIMITS = {"cpu": 3600, "as": 4 << 30, "fsize": 64 << 20, "nproc": 128, "nofile": 1024, "output": 1 << 20,
                 "tmpfs_mb": 256}
JOB_LIMITS = {"cpu": 10, "as_extra": 1 << 30, "fsize": 4 << 20, "nproc": 32, "nofile": 256, "wall": 10.0,
              "tmpfs_mb": 128, "read_cap": 8 << 20}
SYSTEM_DIRS = ("usr", "lib", "lib64", "lib32", "libx32", "bin", "sbin")
DEVICES = ("null", "zero", "random", "urandom")
BASE_ENV = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            "MPLBACKEND": "Agg"}


# ----------------------------------------------------------------------------- system calls
_LIBC = None


def _libc():
    global _LIBC
    if _LIBC is None:
        _LIBC = ctypes.CDLL(None, use_errno=True)
    return _LIBC


def _call(ret: int, what: str) -> None:
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _b(s):
    return None if s is None else os.fsencode(s)


def unshare(flags: int) -> None:
    _call(_libc().unshare(ctypes.c_int(flags)), "unshare")


def mount(source, target, fstype, flags: int, data=None) -> None:
    _call(_libc().mount(_b(source), _b(target), _b(fstype), ctypes.c_ulong(flags), _b(data)), f"mount {target}")


def prctl(option: int, arg: int) -> None:
    _call(_libc().prctl(ctypes.c_int(option), ctypes.c_ulong(arg), ctypes.c_ulong(0), ctypes.c_ulong(0),
                        ctypes.c_ulong(0)), "prctl")


# ----------------------------------------------------------------------------- what the grader asks
_TIER = None


def tier() -> str:
    """'root' (namespaces, jail, unprivileged uid) or 'none' (limits and a clean environment only)."""
    global _TIER
    if _TIER is None:
        forced = os.environ.get("GRADE_SANDBOX_TIER")
        if forced in ("root", "none"):
            _TIER = forced
        elif os.geteuid() != 0:
            _TIER = "none"
        else:
            _TIER = "root" if _jail_works() else "none"
    return _TIER


def _jail_works() -> bool:
    """Whether a child can do here all that a sandbox does: namespaces, a tmpfs with a read-only bind,
    a procfs of its own PID namespace, chroot (a container may forbid some of it)."""
    import tempfile

    mnt = tempfile.mkdtemp(prefix="lstm-sandbox-probe-")
    try:
        pid = os.fork()
        if pid == 0:
            try:
                unshare(NAMESPACES)
                mount(None, "/", None, MS_REC | MS_PRIVATE)
                mount("tmpfs", mnt, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m")
                _bind("/usr", os.path.join(mnt, "usr"), readonly=True)
                inner = os.fork()
                if inner == 0:
                    try:
                        os.makedirs(os.path.join(mnt, "proc"))
                        mount("proc", os.path.join(mnt, "proc"), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
                        os.chroot(mnt)
                        os._exit(0)
                    except BaseException:
                        os._exit(1)
                _, st = os.waitpid(inner, 0)
                os._exit(os.waitstatus_to_exitcode(st))
            except BaseException:
                os._exit(1)
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status) == 0
    finally:
        os.rmdir(mnt)


def describe() -> str:
    """One line for the instructor: how submissions are isolated on this machine."""
    if tier() == "root":
        return ("isolation: every kernel and re-check runs in its own namespaces (no network), chrooted into a "
                f"jail without the course tree, as an unprivileged uid ({', '.join(map(str, sandbox_ids()))}), "
                "with CPU, memory, file-size, process and output limits")
    return ("WARNING: grading does not run as root (or namespaces are not available here): submissions run "
            "with YOUR rights, with resource limits, a clean environment and an empty working directory only; "
            "they can read and write whatever you can and use the network. Run `make grade` as root (e.g. in "
            "a container) for isolation.")


def sandbox_ids(count: int = 3) -> list[int]:
    """``count`` numeric ids >= FIRST_ID that are neither a user nor a group here (uid = gid): the kernel's,
    then one per re-check server."""
    out, uid = [], FIRST_ID
    while len(out) < count:
        try:
            pwd.getpwuid(uid)
        except KeyError:
            try:
                grp.getgrgid(uid)
            except KeyError:
                out.append(uid)
        uid += 1
    return out


def python_binds() -> list[list[str]]:
    """Read-only binds (host path, jail path) that the venv's Python needs, at the same paths."""
    paths = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix), sys.prefix,
             os.path.dirname(os.path.realpath(sys.executable))}
    keep = []
    for p in sorted(paths, key=len):
        if not any(p == q or p.startswith(q + os.sep) for q in keep):
            keep.append(p)
    return [[p, p] for p in keep]


def package_dir(name: str = "lstm_helpers") -> str:
    import importlib.util
    spec = importlib.util.find_spec(name)
    return os.path.realpath(list(spec.submodule_search_locations)[0])


def matplotlib_cache() -> list[str]:
    """Host files of matplotlib's font cache (copied into a sandbox's HOME: building it takes seconds)."""
    base = os.environ.get("MPLCONFIGDIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "matplotlib")
    try:
        return [os.path.join(base, f) for f in sorted(os.listdir(base)) if f.startswith("fontlist")]
    except OSError:
        return []


def kernel_command(argv: list[str], *, connection_file: str, sockdir: str, root: str, uid: int,
                   data_dir: str | None = None, limits: dict | None = None) -> list[str]:
    """The command that runs the kernel ``argv`` in a sandbox (see the module docstring)."""
    lim = dict(KERNEL_LIMITS, **(limits or {}))
    ro = python_binds() + [[package_dir(), package_dir()]]
    if data_dir:
        ro.append([os.path.realpath(data_dir), "/data"])
    spec = {"tier": tier(), "mode": "run", "root": root, "uid": uid, "argv": argv, "limits": lim,
            "ro": ro, "rw": [[sockdir, sockdir]], "connection_file": connection_file,
            "copy": [[f, "/scratch/home/.mpl/" + os.path.basename(f)] for f in matplotlib_cache()],
            "env": dict(BASE_ENV, PATH=os.path.dirname(sys.executable) + ":/usr/local/bin:/usr/bin:/bin",
                        HOME="/scratch/home", MPLCONFIGDIR="/scratch/home/.mpl", TMPDIR="/tmp", JPY_PARENT_PID="1",
                        MPLBACKEND="module://matplotlib_inline.backend_inline")}
    return [sys.executable, "-I", "-S", os.path.join(HERE, "sandbox.py"), "run", json.dumps(spec)]


# ----------------------------------------------------------------------------- inside: jail and privileges
def _bind(src: str, dst: str, *, readonly: bool, device: bool = False) -> None:
    if os.path.isdir(src):
        os.makedirs(dst, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if not os.path.exists(dst):
            open(dst, "wb").close()
    mount(src, dst, None, MS_BIND | MS_REC)
    flags = MS_BIND | MS_REMOUNT | MS_NOSUID | (MS_RDONLY if readonly else 0) | (0 if device else MS_NODEV)
    mount(None, dst, None, flags)


def build_jail(root: str, *, ro=(), rw=(), tmpfs_mb: int = 128, uid: int = 65534, tmp_mode: int = 0o1777) -> None:
    """Mount the jail at ``root`` (in this process's own mount namespace; the host sees nothing of it)."""
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, f"size={tmpfs_mb}m,nr_inodes=65536,mode=0755")
    for name in SYSTEM_DIRS:
        host = "/" + name
        if os.path.islink(host):
            os.symlink(os.readlink(host), os.path.join(root, name))
        elif os.path.isdir(host):
            _bind(host, os.path.join(root, name), readonly=True)
    os.makedirs(os.path.join(root, "etc"))
    for name in ("ld.so.cache", "localtime"):
        if os.path.isfile("/etc/" + name):
            _bind("/etc/" + name, os.path.join(root, "etc", name), readonly=True)
    with open(os.path.join(root, "etc", "passwd"), "w") as f:
        f.write(f"root:x:0:0::/root:/bin/false\nsandbox:x:{uid}:{uid}::/scratch/home:/bin/false\n")
    with open(os.path.join(root, "etc", "group"), "w") as f:
        f.write(f"root:x:0:\nsandbox:x:{uid}:\n")
    for name in DEVICES:
        if os.path.exists("/dev/" + name):
            _bind("/dev/" + name, os.path.join(root, "dev", name), readonly=False, device=True)
    os.makedirs(os.path.join(root, "tmp"))
    os.chmod(os.path.join(root, "tmp"), tmp_mode)
    for src, dst in ro:
        _bind(src, root + dst, readonly=True)
    for src, dst in rw:
        _bind(src, root + dst, readonly=False)


def set_limits(lim: dict, address_space: int | None = None, *, own_uid: bool = True) -> None:
    """Hard resource limits. The process count is per uid: it is limited only for a sandbox uid of its own
    (``own_uid``), never for the instructor's uid (tier "none"), whose other processes count too."""
    def both(which, value):
        resource.setrlimit(which, (value, value))
    both(resource.RLIMIT_CPU, int(lim["cpu"]))
    both(resource.RLIMIT_AS, int(address_space or lim["as"]))
    both(resource.RLIMIT_FSIZE, int(lim["fsize"]))
    both(resource.RLIMIT_NOFILE, int(lim["nofile"]))
    both(resource.RLIMIT_CORE, 0)
    if own_uid:
        both(resource.RLIMIT_NPROC, int(lim["nproc"]))


def drop_privileges(uid: int, *, isolated: bool = True) -> None:
    """Become ``uid`` (gid ``uid``, no supplementary groups) when isolated; no new privileges in any case."""
    if isolated and os.geteuid() == 0:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    prctl(PR_SET_NO_NEW_PRIVS, 1)


def _chown_tree(path: str, uid: int) -> None:
    if os.geteuid() != 0:
        return
    for dirpath, dirnames, filenames in os.walk(path):
        os.lchown(dirpath, uid, uid)
        for n in dirnames + filenames:
            os.lchown(os.path.join(dirpath, n), uid, uid)


def _watch_launcher(child: int, parent: int) -> None:
    """The launcher (outside the namespaces): wait for ``child``; kill it if our own parent dies."""
    while True:
        pid, status = os.waitpid(child, os.WNOHANG)
        if pid:
            code = os.waitstatus_to_exitcode(status)
            os._exit(code if code >= 0 else 128 - code)
        if os.getppid() != parent:
            os.kill(child, signal.SIGKILL)
        time.sleep(0.2)


def _enter() -> int:
    """In the launcher: new namespaces, then fork. Returns the child's pid in the launcher, 0 in the child
    (pid 1 of the new PID namespace, killed if the launcher dies)."""
    unshare(NAMESPACES)
    pid = os.fork()
    if pid == 0:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    return pid


# ----------------------------------------------------------------------------- run: the kernel
def main_run(spec: dict) -> None:
    isolated = spec["tier"] == "root"
    lim, uid = spec["limits"], spec["uid"]
    signal.signal(signal.SIGINT, lambda *a: None)       # an interrupt is for the kernel, not for us
    parent = os.getppid()
    if not isolated:                                    # limits and a clean environment only
        env = dict(spec["env"], HOME=os.environ.get("HOME", "/tmp"), MPLCONFIGDIR="", TMPDIR=os.environ.get(
            "TMPDIR", "/tmp"))
        env = {k: v for k, v in env.items() if v}
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        set_limits(lim, own_uid=False)
        drop_privileges(uid, isolated=False)
        os.execve(spec["argv"][0], spec["argv"], env)
    r, w = os.pipe()
    pid = _enter()
    if pid:
        os.close(r)
        os.close(w)
        _watch_launcher(pid, parent)
    try:
        root = spec["root"]
        build_jail(root, ro=spec["ro"], rw=spec["rw"], tmpfs_mb=lim["tmpfs_mb"], uid=uid)
        for d in ("scratch/work", "scratch/home/.mpl", "run", "proc"):
            os.makedirs(os.path.join(root, d), exist_ok=True)
        # a procfs of the kernel's own PID namespace (ipykernel reads it when interrupted)
        mount("proc", os.path.join(root, "proc"), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=2")
        os.symlink("/data", os.path.join(root, "scratch", "data"))
        for src, dst in spec["copy"]:
            shutil.copyfile(src, root + dst)
        argv = list(spec["argv"])
        shutil.copyfile(spec["connection_file"], os.path.join(root, "run", "kernel.json"))
        argv = ["/run/kernel.json" if a == spec["connection_file"] else a for a in argv]
        _chown_tree(os.path.join(root, "scratch"), uid)
        _chown_tree(os.path.join(root, "run"), uid)
        kernel = os.fork()
        if kernel == 0:
            os.chroot(root)
            os.chdir("/scratch/work")
            null = os.open("/dev/null", os.O_RDONLY)
            os.dup2(null, 0)
            os.dup2(w, 1)
            os.dup2(w, 2)
            os.closerange(3, 1 << 16)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            set_limits(lim)
            drop_privileges(uid)
            os.execve(argv[0], argv, spec["env"])
    except BaseException:
        traceback.print_exc()
        os._exit(70)
    os.close(w)
    _forward_until_exit(r, kernel, int(lim["output"]))


def _forward_until_exit(r: int, child: int, cap: int) -> None:
    """pid 1: copy what the kernel prints to our stderr (at most ``cap`` bytes), reap orphans, and exit
    with the kernel's status when it exits (the PID namespace, and whatever is left in it, goes with us)."""
    sent, reading = 0, True
    while True:
        ready, _, _ = select.select([r] if reading else [], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(r, 65536)
            except OSError:
                chunk = b""
            reading = bool(chunk)                 # end of file: the kernel closed its stdout and stderr
            if chunk and sent < cap:
                os.write(2, chunk[:cap - sent])
                sent += len(chunk)
                if sent >= cap:
                    os.write(2, b"\n[sandbox: further output of the kernel's process discarded]\n")
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                os._exit(0)
            if not pid:
                break
            if pid == child:
                code = os.waitstatus_to_exitcode(status)
                os._exit(code if code >= 0 else 128 - code)


# ----------------------------------------------------------------------------- zygote: the re-checks
def zygote_command(*, root: str, uid: int, data_dir: str, limits: dict | None = None) -> list[str]:
    spec = {"tier": tier(), "root": root, "uid": uid, "data": os.path.realpath(data_dir),
            "limits": dict(JOB_LIMITS, **(limits or {})), "ro": python_binds(),
            "env": dict(BASE_ENV, PATH="/usr/local/bin:/usr/bin:/bin", TMPDIR="/tmp")}
    return [sys.executable, "-I", os.path.join(HERE, "sandbox.py"), "zygote", json.dumps(spec)]


def main_zygote(spec: dict) -> None:
    isolated = spec["tier"] == "root"
    parent = os.getppid()
    os.environ.clear()
    os.environ.update(spec["env"])
    if isolated:
        pid = _enter()
        if pid:
            _watch_launcher(pid, parent)
    sys.path.insert(0, HERE)
    import recheck_child                                  # numpy, lstm_helpers, matplotlib: imported once
    with open("/proc/self/status") as f:
        vm = next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmSize:"))
    lim = spec["limits"]
    address_space = vm + int(lim["as_extra"])
    if isolated:
        root = spec["root"]
        # /tmp is not writable here: the jail serves job after job, and a job must leave nothing for the next
        build_jail(root, ro=spec["ro"] + [[spec["data"], "/data"]], tmpfs_mb=lim["tmpfs_mb"], uid=spec["uid"],
                   tmp_mode=0o755)
        os.makedirs(os.path.join(root, "jobs"), mode=0o711)
        os.chroot(root)
        os.chdir("/")
        jobs, data = "/jobs", "/data"
    else:
        import tempfile
        jobs, data = tempfile.mkdtemp(prefix="lstm-recheck-"), spec["data"]
    out = os.fdopen(os.dup(1), "w")                      # the answers; fd 1 itself becomes stderr
    os.dup2(2, 1)
    print(json.dumps({"ready": True, "address_space": address_space}), file=out, flush=True)
    n = 0
    for line in sys.stdin:
        n += 1
        job = json.loads(line)
        try:
            reply = _serve(job, os.path.join(jobs, str(n)), data, spec, lim, address_space, recheck_child)
        except BaseException:
            reply = {"id": job.get("id"), "error": "the sandbox failed: " + traceback.format_exc()[-2000:]}
        print(json.dumps(reply), file=out, flush=True)
    if not isolated:
        shutil.rmtree(jobs, ignore_errors=True)


def _read_capped(path: str, cap: int) -> bytes | None:
    """A regular file's first ``cap`` bytes (no symlink followed), or None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks, left = [], cap
        while left > 0:
            b = os.read(fd, min(left, 1 << 20))
            if not b:
                break
            chunks.append(b)
            left -= len(b)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _serve(job: dict, scratch: str, data: str, spec: dict, lim: dict, address_space: int, child_module) -> dict:
    uid = spec["uid"]
    wall = float(job.get("wall", lim["wall"]))
    for d in ("work", "home", "out"):
        os.makedirs(os.path.join(scratch, d))
    os.symlink(data, os.path.join(scratch, "data"))
    os.chmod(scratch, 0o700)
    if spec["tier"] == "root":
        _chown_tree(scratch, uid)
    r, w = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    t0 = time.monotonic()
    init = os.fork()
    if init == 0:                                   # job-init: root, never runs student code
        status = {"timed_out": False}
        try:
            os.close(r)
            if spec["tier"] == "root":
                unshare(CLONE_NEWPID)
            nsinit = os.fork()
            if nsinit == 0:                         # pid 1 of the job's PID namespace
                prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
                os.close(w)
                if spec["tier"] != "root":
                    os.setsid()
                job_pid = os.fork()
                if job_pid == 0:
                    _job(job, scratch, uid, lim, address_space, spec, child_module)
                _, st = os.waitpid(job_pid, 0)
                code = os.waitstatus_to_exitcode(st)
                os._exit(code if code >= 0 else 128 - code)
            deadline = t0 + wall
            while True:
                pid, st = os.waitpid(nsinit, os.WNOHANG)
                if pid:
                    status["exit"] = os.waitstatus_to_exitcode(st)
                    if spec["tier"] != "root":      # what the job left running (a PID namespace would kill it)
                        try:
                            os.killpg(nsinit, signal.SIGKILL)
                        except OSError:
                            pass
                    break
                if time.monotonic() > deadline:
                    status["timed_out"] = True
                    if spec["tier"] != "root":      # no PID namespace: the job's process group
                        try:
                            os.killpg(nsinit, signal.SIGKILL)
                        except OSError:
                            pass
                    os.kill(nsinit, signal.SIGKILL)
                    os.waitpid(nsinit, 0)
                    break
                time.sleep(0.003)
            status["seconds"] = time.monotonic() - t0
            os.write(w, json.dumps(status).encode())
        except BaseException:
            os.write(w, json.dumps({"error": traceback.format_exc()[-2000:]}).encode())
        os._exit(0)
    os.close(w)
    raw = b""
    while True:
        b = os.read(r, 65536)
        if not b:
            break
        raw += b
    os.close(r)
    os.waitpid(init, 0)
    status = json.loads(raw.decode() or "{}")
    cap = int(lim["read_cap"])
    res_json = _read_capped(os.path.join(scratch, "out", "result.json"), cap)
    res_npz = _read_capped(os.path.join(scratch, "out", "result.npz"), cap)
    outs = {}
    for name in ("stdout", "stderr"):
        p = os.path.join(scratch, name + ".txt")
        text = _read_capped(p, 4000) or b""
        try:
            size = os.lstat(p).st_size
        except OSError:
            size = 0
        outs[name] = text.decode("utf-8", "replace")
        outs[name + "_bytes"] = size
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        result = json.loads(res_json.decode("utf-8")) if res_json else None
    except ValueError:
        result = None
    return {"id": job.get("id"), **status, **outs, "result": result,
            "npz": base64.b64encode(res_npz).decode() if res_npz else None}


def _job(job, scratch, uid, lim, address_space, spec, child_module) -> None:
    """The job: scratch as cwd and HOME, stdout/stderr to files, limits, unprivileged; then the harness."""
    code = 71
    try:
        os.chdir(os.path.join(scratch, "work"))
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        for fd, name in ((1, "stdout"), (2, "stderr")):
            f = os.open(os.path.join(scratch, name + ".txt"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            if spec["tier"] == "root":
                os.fchown(f, uid, uid)
            os.dup2(f, fd)
        os.closerange(3, 1 << 16)
        home = os.path.join(scratch, "home")
        os.environ.clear()
        os.environ.update(spec["env"], HOME=home, MPLCONFIGDIR=home, TMPDIR=home, USER="sandbox")
        isolated = spec["tier"] == "root"
        set_limits(lim, address_space, own_uid=isolated)
        drop_privileges(uid, isolated=isolated)
        code = child_module.run_job(job["payload"], os.path.join(scratch, "out"))
    except BaseException:
        try:
            traceback.print_exc()
        except BaseException:
            pass
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BaseException:
            pass
        os._exit(code)


# ----------------------------------------------------------------------------- the grader's side
class ZygotePool:
    """``size`` zygotes (one per core): ``run(jobs)`` sends each job to a free zygote and returns the
    replies in order. A zygote that does not answer in time is killed and replaced."""

    def __init__(self, size: int, *, root: str, data_dir: str, ids: list[int], stderr=None,
                 limits: dict | None = None):
        self.size, self.root, self.data_dir, self.ids, self.stderr = size, root, data_dir, ids, stderr
        self.limits = limits
        self.procs: list[subprocess.Popen | None] = [None] * size
        self.ready = [False] * size

    def start(self) -> None:
        """Start the zygotes that are not running (they import in the background)."""
        for k in range(self.size):
            if self.procs[k] is None or self.procs[k].poll() is not None:
                cmd = zygote_command(root=self.root, uid=self.ids[k], data_dir=self.data_dir, limits=self.limits)
                self.procs[k] = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                                 stderr=self.stderr, text=True, start_new_session=True,
                                                 env=dict(BASE_ENV), cwd="/")
                self.ready[k] = False

    def _wait_ready(self, k: int, timeout: float = 120) -> None:
        if self.ready[k]:
            return
        line = self._readline(k, timeout)
        if not line or not json.loads(line).get("ready"):
            raise RuntimeError("a re-check sandbox did not start (see the grader log)")
        self.ready[k] = True

    def _readline(self, k: int, timeout: float) -> str:
        proc = self.procs[k]
        ready, _, _ = select.select([proc.stdout], [], [], timeout)
        return proc.stdout.readline() if ready else ""

    def _kill(self, k: int) -> None:
        proc = self.procs[k]
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.wait()
        self.procs[k] = None

    def run(self, jobs: list[dict]) -> list[dict]:
        self.start()
        replies: list[dict | None] = [None] * len(jobs)
        todo = list(range(len(jobs)))
        busy: dict[int, tuple[int, float]] = {}          # zygote -> (job index, deadline)
        while todo or busy:
            for k in range(self.size):
                if k not in busy and todo:
                    if self.procs[k] is None:
                        self.start()
                    try:
                        self._wait_ready(k)
                    except RuntimeError as exc:
                        replies[todo.pop(0)] = {"error": str(exc)}
                        self._kill(k)
                        continue
                    j = todo.pop(0)
                    job = dict(jobs[j], id=j)
                    self.procs[k].stdin.write(json.dumps(job) + "\n")
                    self.procs[k].stdin.flush()
                    busy[k] = (j, time.monotonic() + float(job.get("wall", JOB_LIMITS["wall"])) + 15)
            if not busy:
                continue
            streams = {self.procs[k].stdout: k for k in busy}
            ready, _, _ = select.select(list(streams), [], [], 0.5)
            for s in ready:
                k = streams[s]
                j, _ = busy.pop(k)
                line = s.readline()
                try:
                    replies[j] = json.loads(line) if line else {"error": "the re-check sandbox died"}
                except ValueError:
                    replies[j] = {"error": "the re-check sandbox answered garbage"}
                if not line:
                    self._kill(k)
            for k, (j, deadline) in list(busy.items()):
                if time.monotonic() > deadline:
                    busy.pop(k)
                    replies[j] = {"error": "the re-check sandbox did not answer in time"}
                    self._kill(k)
        return replies

    def close(self) -> None:
        for k, proc in enumerate(self.procs):
            if proc is not None and proc.poll() is None:
                proc.stdin.close()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self._kill(k)
        self.procs = [None] * self.size


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    mode, spec = argv[0], json.loads(argv[1])
    if mode == "run":
        main_run(spec)
    elif mode == "zygote":
        main_zygote(spec)
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main()
