"""The classroom: JupyterHub + nbgrader for the whole class on one machine (see classroom/README.md).

Run as root with Debian's Python (it uses only the standard library; the hub runs in the class venv):

    python3 classroom/classroom.py install        # class venv + proxy (idempotent; also done by `start`)
    python3 classroom/classroom.py start --instructor NAME [--instructor NAME ...] [--ip IP] [--port 8000]
    python3 classroom/roster.py students.csv      # add students (see roster.py)
    python3 classroom/classroom.py grade 04_forget_gate [...]   # collect and grade as root (isolated grading)

Layout (defaults; CLASSROOM_HOME and CLASSROOM_STATE move them):

    /opt/lstm-classroom/venv        class venv from /usr/bin/python3.11: requirements-dev.txt + constraints.txt,
                                    jupyterhub (classroom/requirements.txt, classroom/constraints.txt), the
                                    lstm_helpers package installed (not editable: students cannot read the repo)
    /opt/lstm-classroom/proxy       configurable-http-proxy from the npm registry (classroom/package-lock.json)
    /opt/lstm-classroom/app         copy of grading/, notebooks/, data/, classroom/ (world-readable), refreshed at
                                    every `start`: the classroom grades with the repository's grading/ as it is
    /var/lib/lstm-classroom/hub     hub database, cookie secret (0600), settings.json, logs (root only)
    /var/lib/lstm-classroom/exchange            nbgrader's exchange (1777)
    /var/lib/lstm-classroom/jupyter-student     JUPYTER_CONFIG_PATH of the students' servers
    /var/lib/lstm-classroom/jupyter-grader      JUPYTER_CONFIG_PATH of the course service
    /home/grader-<course>/course    nbgrader's course directory (source/, submitted/, feedback/, gradebook.db)
"""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import pathlib
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

REPO = pathlib.Path(__file__).resolve().parent.parent
HERE = REPO / "classroom"
SYSTEM_PYTHON = "/usr/bin/python3.11"


def course_id() -> str:
    """The course id of grading/nbgrader_config.py (the hub's course service must carry the same name)."""
    text = (REPO / "grading" / "nbgrader_config.py").read_text(encoding="utf-8")
    m = re.search(r'^c\.CourseDirectory\.course_id\s*=\s*"([^"]+)"', text, re.M)
    if not m:
        raise SystemExit("grading/nbgrader_config.py sets no c.CourseDirectory.course_id")
    return m.group(1)


def log(msg: str) -> None:
    print(f"[classroom {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def run(cmd, check=True, **kw) -> subprocess.CompletedProcess:
    res = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    if check and res.returncode:
        raise SystemExit(f"command failed ({res.returncode}): {' '.join(map(str, cmd))}\n{res.stdout}{res.stderr}")
    return res


@dataclasses.dataclass
class Classroom:
    home: pathlib.Path = pathlib.Path(os.environ.get("CLASSROOM_HOME", "/opt/lstm-classroom"))
    state: pathlib.Path = pathlib.Path(os.environ.get("CLASSROOM_STATE", "/var/lib/lstm-classroom"))
    course: str = dataclasses.field(default_factory=course_id)
    grader: str = ""
    ip: str = "127.0.0.1"
    port: int = 8000
    proxy_api_port: int = 8001
    hub_port: int = 8081
    service_port: int = 9999

    def __post_init__(self):
        self.home, self.state = pathlib.Path(self.home), pathlib.Path(self.state)
        self.grader = self.grader or f"grader-{self.course}"[:32]

    # software
    venv = property(lambda self: self.home / "venv")
    python = property(lambda self: self.home / "venv" / "bin" / "python")
    proxy_cmd = property(lambda self: self.home / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy")
    app = property(lambda self: self.home / "app")
    # state
    hub_dir = property(lambda self: self.state / "hub")
    exchange = property(lambda self: self.state / "exchange")
    student_config = property(lambda self: self.state / "jupyter-student")
    grader_config = property(lambda self: self.state / "jupyter-grader")
    settings_file = property(lambda self: self.state / "hub" / "settings.json")
    url = property(lambda self: f"http://{self.ip}:{self.port}")

    @property
    def course_dir(self) -> pathlib.Path:
        return pathlib.Path(pwd.getpwnam(self.grader).pw_dir) / "course"

    def settings(self) -> dict:
        return json.loads(self.settings_file.read_text()) if self.settings_file.exists() else {}


# ----------------------------------------------------------------------------- install
def _digest(paths) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(str(p.relative_to(REPO)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def _requirements(tmp: pathlib.Path) -> pathlib.Path:
    """requirements-dev.txt (with requirements.txt) without the editable install of the repository."""
    lines = []
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (REPO / name).read_text().splitlines():
            s = line.split("#")[0].strip()
            if s and not s.startswith(("-e", "-r")):
                lines.append(s)
    out = tmp / "class-requirements.txt"
    out.write_text("\n".join(lines) + "\n")
    return out


def _name(line: str) -> str:
    return re.split(r"[=<>!~;\s\[]", line.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _constraints(tmp: pathlib.Path) -> pathlib.Path:
    """constraints.txt with the pins of classroom/constraints.txt taking precedence (same package: the
    classroom's pin; e.g. soupsieve 4.x needs Python >= 3.11.5 and Debian 12 has 3.11.2), plus the latter."""
    ours = [ln.split("#")[0].strip() for ln in (HERE / "constraints.txt").read_text().splitlines()]
    ours = [ln for ln in ours if ln]
    names = {_name(ln) for ln in ours}
    theirs = [ln for ln in (REPO / "constraints.txt").read_text().splitlines()
              if ln.split("#")[0].strip() and _name(ln) not in names]
    out = tmp / "class-constraints.txt"
    out.write_text("\n".join(theirs + ours) + "\n")
    return out


def ensure_debian_packages() -> None:
    """Debian's python3.11 with venv, and setfacl (the feedback files are readable by their student only)."""
    need = []
    if not os.access(SYSTEM_PYTHON, os.X_OK) or \
            run([SYSTEM_PYTHON, "-c", "import ensurepip, venv"], check=False).returncode:
        need += ["python3.11", "python3.11-venv"]
    if not shutil.which("setfacl"):
        need.append("acl")
    if need:
        log(f"apt-get install {' '.join(need)}")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run(["apt-get", "update", "-qq"], env=env)
        run(["apt-get", "install", "-y", "-qq", *need], env=env)
    if not shutil.which("npm") or not shutil.which("node"):
        raise SystemExit("node and npm are needed for JupyterHub's proxy (configurable-http-proxy); install Node.js 20")


def install(cr: Classroom) -> None:
    """Class venv and proxy; each step is skipped when its inputs did not change (stamp files)."""
    os.umask(0o022)                       # everything here must be readable by the students' servers
    ensure_debian_packages()
    cr.home.mkdir(parents=True, exist_ok=True)
    cr.home.chmod(0o755)
    deps = [REPO / n for n in ("requirements.txt", "requirements-dev.txt", "constraints.txt")] + \
           [HERE / "requirements.txt", HERE / "constraints.txt"]
    stamp = cr.venv / ".classroom-deps"
    digest = _digest(deps)
    if not stamp.exists() or stamp.read_text() != digest:
        t0 = time.time()
        log(f"building the class venv {cr.venv} from {SYSTEM_PYTHON} (a few minutes the first time)")
        if not cr.python.exists():
            run([SYSTEM_PYTHON, "-m", "venv", cr.venv])
        run([cr.python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
        req, cons = _requirements(cr.home), _constraints(cr.home)
        run([cr.python, "-m", "pip", "install", "--quiet", "-r", req, "-r", HERE / "requirements.txt", "-c", cons])
        req.unlink()
        cons.unlink()
        stamp.write_text(digest)
        log(f"class venv ready ({time.time() - t0:.0f} s)")
    pkg = sorted((REPO / "lstm_helpers").rglob("*.py")) + [REPO / "pyproject.toml"]
    stamp = cr.venv / ".classroom-package"
    digest = _digest(pkg)
    if not stamp.exists() or stamp.read_text() != digest:
        log("installing lstm_helpers into the class venv (a copy, not an editable install)")
        build = cr.home / "build-lstm-helpers"
        shutil.rmtree(build, ignore_errors=True)
        shutil.copytree(REPO, build, ignore=shutil.ignore_patterns(
            ".git", ".venv", "node_modules", "release", "*.egg-info", "__pycache__", "notebooks", "tests",
            "screenshots"))
        run([cr.python, "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall", build])
        shutil.rmtree(build)
        stamp.write_text(digest)
    proxy = cr.home / "proxy"
    stamp = proxy / ".classroom-proxy"
    digest = _digest([HERE / "package.json", HERE / "package-lock.json"])
    if not stamp.exists() or stamp.read_text() != digest or not cr.proxy_cmd.exists():
        log("installing configurable-http-proxy with npm ci")
        proxy.mkdir(exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(HERE / name, proxy / name)
        run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=proxy)
        stamp.write_text(digest)


def sync_app(cr: Classroom) -> None:
    """Copy grading/, notebooks/, data/ and classroom/ to a world-readable place (fresh copy every time)."""
    os.umask(0o022)
    new = cr.home / "app.new"
    shutil.rmtree(new, ignore_errors=True)
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for name in ("grading", "data", "classroom"):
        shutil.copytree(REPO / name, new / name, ignore=skip)
    (new / "notebooks").mkdir(parents=True)
    for nb in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        shutil.copy(nb, new / "notebooks" / nb.name)
    old = cr.home / "app.old"
    shutil.rmtree(old, ignore_errors=True)
    if cr.app.exists():
        cr.app.rename(old)
    new.rename(cr.app)
    shutil.rmtree(old, ignore_errors=True)


# ----------------------------------------------------------------------------- users
def user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def create_user(name: str, password: str | None = None, data_link: pathlib.Path | None = None) -> bool:
    """Create a local system user with a private home (0700); True if it was created, False if it existed.
    ``password`` is set only for a new user; ``data_link``: ~/data -> the course data (notebooks read ../data)."""
    created = False
    if not user_exists(name):
        run(["useradd", "--create-home", "--user-group", "--shell", "/bin/bash", name])
        created = True
        if password:
            run(["chpasswd"], input=f"{name}:{password}\n")
    pw = pwd.getpwnam(name)
    home = pathlib.Path(pw.pw_dir)
    home.chmod(0o700)
    if data_link is not None:
        link = home / "data"
        if not link.is_symlink() and not link.exists():
            link.symlink_to(data_link)
            os.lchown(link, pw.pw_uid, pw.pw_gid)
    return created


def user_pids(name: str) -> list[int]:
    uid = pwd.getpwnam(name).pw_uid
    pids = []
    for d in pathlib.Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if d.stat().st_uid == uid:
                    pids.append(int(d.name))
            except FileNotFoundError:
                pass
    return pids


def remove_user(name: str) -> None:
    """Stop the user's processes (by pid) and delete the user with its home."""
    if not user_exists(name):
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        pids = user_pids(name)
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        if pids:
            time.sleep(1.0)
    run(["userdel", "--remove", name], check=False)
    if user_exists(name):
        raise RuntimeError(f"could not remove user {name}")


# ----------------------------------------------------------------------------- setup
EXCHANGE_CONFIG = '''\
# nbgrader's exchange for the classroom ({course}); written by classroom/classroom.py, do not edit
import sys
sys.path.insert(0, "{app}/classroom")          # private_exchange.py

c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "{course}"
c.Exchange.root = "{exchange}"
c.ExchangeSubmit.strict = True                  # a submission without the released notebook is refused
'''
PRIVATE_EXCHANGE = '''c.ExchangeFactory.submit = "private_exchange.PrivateSubmit"
c.ExchangeFactory.release_assignment = "private_exchange.PrivateReleaseAssignment"
c.ExchangeFactory.release_feedback = "private_exchange.PrivateReleaseFeedback"
'''

GRADER_CONFIG = '''
# The course service: the course's grading configuration (the same as `make grade`) and the course directory.
load_subconfig("{app}/grading/nbgrader_config.py")  # noqa: F821
c.CourseDirectory.root = "{course_dir}"
c.NbGrader.logfile = "{course_dir}/nbgrader.log"
'''


def _write(path: pathlib.Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)


def setup(cr: Classroom, instructors: list[str], students: list[str] | None = None,
          private_exchange: bool = True) -> None:
    """State folders, grader account, course directory, Jupyter configs and the hub's settings.json.
    ``private_exchange=False`` keeps nbgrader's default exchange permissions (only to show what they allow)."""
    os.umask(0o022)
    for d, mode in ((cr.state, 0o755), (cr.hub_dir, 0o700), (cr.exchange, 0o1777), (cr.student_config, 0o755),
                    (cr.grader_config, 0o755)):
        d.mkdir(parents=True, exist_ok=True)
        d.chmod(mode)
    create_user(cr.grader)                                    # no password: reached only through the hub
    pw = pwd.getpwnam(cr.grader)
    course = cr.course_dir
    sys.path.insert(0, str(cr.app / "grading"))
    from course import exercise_notebooks                     # grading/course.py: which notebooks are assignments
    (course / "source").mkdir(parents=True, exist_ok=True)
    for nb in exercise_notebooks(cr.app / "notebooks"):
        (course / "source" / nb.stem).mkdir(exist_ok=True)
        shutil.copy(nb, course / "source" / nb.stem / nb.name)
    for name, target in (("nbgrader_config.py", cr.app / "grading" / "nbgrader_config.py"), ("data", cr.app / "data")):
        link = course / name
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(target)
    run(["chown", "-R", "--no-dereference", f"{pw.pw_uid}:{pw.pw_gid}", course])
    fmt = dict(course=cr.course, app=cr.app, exchange=cr.exchange, course_dir=course)
    exchange = EXCHANGE_CONFIG.format(**fmt) + (PRIVATE_EXCHANGE if private_exchange else "")
    _write(cr.student_config / "nbgrader_config.py", exchange)
    _write(cr.grader_config / "nbgrader_config.py", exchange + GRADER_CONFIG.format(**fmt))
    ext = "nbgrader.server_extensions."
    for cfg, on in ((cr.student_config, False), (cr.grader_config, True)):
        extensions = {ext + "formgrader": on, ext + "course_list": on, ext + "assignment_list": True,
                      ext + "validate_assignment": True}
        _write(cfg / "jupyter_server_config.d" / "lstm-classroom.json",
               json.dumps({"ServerApp": {"jpserver_extensions": extensions}}, indent=1))
        _write(cfg / "labconfig" / "page_config.json", json.dumps({"disabledExtensions": {
            "@jupyter/nbgrader:formgrader": not on, "@jupyter/nbgrader:create-assignment": not on,
            "@jupyter/nbgrader:course-list": not on}}, indent=1))
    old = cr.settings()
    settings = {
        "ip": cr.ip, "port": cr.port, "proxy_api_port": cr.proxy_api_port, "hub_port": cr.hub_port,
        "service_port": cr.service_port, "course": cr.course, "grader": cr.grader, "grader_home": pw.pw_dir,
        "venv": str(cr.venv), "proxy": str(cr.proxy_cmd), "hub_dir": str(cr.hub_dir),
        "student_config": str(cr.student_config), "grader_config": str(cr.grader_config),
        "instructors": sorted(set(instructors) | set(old.get("instructors", []))),
        "students": sorted(set(students or []) | set(old.get("students", []))),
    }
    _write(cr.settings_file, json.dumps(settings, indent=1), 0o600)


def add_students(cr: Classroom, names: list[str]) -> None:
    settings = cr.settings()
    settings["students"] = sorted(set(settings.get("students", [])) | set(names))
    _write(cr.settings_file, json.dumps(settings, indent=1), 0o600)


# ----------------------------------------------------------------------------- hub
def hub_env(cr: Classroom) -> dict:
    return dict(os.environ, PATH=f"{cr.venv}/bin:{os.environ.get('PATH', '/usr/bin:/bin')}",
                LSTM_CLASSROOM_SETTINGS=str(cr.settings_file))


def hub_command(cr: Classroom) -> list[str]:
    return [str(cr.venv / "bin" / "jupyterhub"), "-f", str(cr.app / "classroom" / "jupyterhub_config.py")]


def start_hub(cr: Classroom, logfile: pathlib.Path) -> subprocess.Popen:
    out = open(logfile, "ab")
    return subprocess.Popen(hub_command(cr), cwd=cr.hub_dir, env=hub_env(cr), stdout=out, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)


def kill_pids(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def start_hub_checked(cr: Classroom, logfile: pathlib.Path, attempts: int = 3) -> tuple[subprocess.Popen, float]:
    """start_hub + wait_hub, started again if the hub exits while starting: JupyterHub gives a managed service
    about 10 s to answer and exits otherwise, which a loaded machine can exceed (the course service imports
    JupyterLab and nbgrader). The course service left behind is stopped (by pid) before the next attempt."""
    for attempt in range(1, attempts + 1):
        t0 = time.time()
        proc = start_hub(cr, logfile)
        try:
            wait_hub(cr, proc)
            return proc, time.time() - t0
        except (RuntimeError, TimeoutError):
            stop_hub(proc, cr.hub_dir / "proxy.pid")
            kill_pids(user_pids(cr.grader))
            if attempt == attempts:
                raise
            log(f"the hub exited while starting (attempt {attempt}; a slow course service?): starting it again")
    raise AssertionError("unreachable")


def run_hub_foreground(cr: Classroom, attempts: int = 3) -> int:
    """The hub in the foreground (its log on this terminal); started again, up to ``attempts`` times, if it
    exits with an error within two minutes of starting (see start_hub_checked). Ctrl-C stops it."""
    stopping = []

    def forward(signum, frame):                      # e.g. systemd's SIGTERM: stop the hub, do not restart it
        stopping.append(signum)
        proc.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    for attempt in range(1, attempts + 1):
        t0 = time.time()
        proc = subprocess.Popen(hub_command(cr), cwd=cr.hub_dir, env=hub_env(cr))
        try:
            code = proc.wait()
        except KeyboardInterrupt:                    # the hub got the SIGINT too and is stopping its servers
            return proc.wait()
        if code == 0 or stopping or time.time() - t0 > 120 or attempt == attempts:
            return code
        kill_pids(user_pids(cr.grader))
        log(f"the hub exited with code {code} while starting (attempt {attempt}): starting it again")
    return 1


def wait_hub(cr: Classroom, proc: subprocess.Popen | None = None, timeout: float = 90) -> float:
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the hub exited with code {proc.returncode} (see {cr.hub_dir}/jupyterhub.log)")
        try:
            with urllib.request.urlopen(f"{cr.url}/hub/api/", timeout=5) as r:
                if r.status == 200:
                    return time.time() - t0
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.5)
    raise TimeoutError(f"the hub did not answer at {cr.url}/hub/api/ within {timeout:.0f} s")


def stop_hub(proc: subprocess.Popen, proxy_pid_file: pathlib.Path | None = None, timeout: float = 30) -> None:
    """SIGTERM the hub (it stops the servers, the course service and the proxy it started); if it does not
    stop in time, SIGKILL it, what is left in its session, and the proxy it started (by its pid file)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if proxy_pid_file is not None and proxy_pid_file.exists():
        try:
            pid = int(proxy_pid_file.read_text().strip())
            if "configurable-http-proxy" in pathlib.Path(f"/proc/{pid}/cmdline").read_text(errors="replace"):
                os.kill(pid, signal.SIGKILL)
        except (ValueError, OSError):
            pass


def grade_as_root(cr: Classroom, assignments: list[str], cell_timeout: int = 120) -> tuple[int, str]:
    """grade_class.py as root, with the course service's nbgrader configuration: grading/course.py then runs
    every submission in its sandbox (which needs root; as the grader account it only sets resource limits).
    The course folder is given back to the grader account afterwards. Returns (exit code, output)."""
    pw = pwd.getpwnam(cr.grader)
    home = pathlib.Path(tempfile.mkdtemp(prefix="lstm-grade-home-"))
    env = dict(os.environ, PATH=f"{cr.venv}/bin:/usr/local/bin:/usr/bin:/bin", HOME=str(home),
               JUPYTER_CONFIG_PATH=str(cr.grader_config), OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    try:
        res = subprocess.run([str(cr.python), str(cr.app / "classroom" / "grade_class.py"), *assignments,
                              "--cell-timeout", str(cell_timeout)], cwd=cr.course_dir, env=env,
                             capture_output=True, text=True)
    finally:
        run(["chown", "-R", "--no-dereference", f"{pw.pw_uid}:{pw.pw_gid}", cr.course_dir])
        shutil.rmtree(home, ignore_errors=True)
    return res.returncode, res.stdout + res.stderr


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("install", help="class venv and proxy")
    s = sub.add_parser("start", help="install, refresh the course, run the hub in the foreground")
    s.add_argument("--instructor", action="append", default=[], help="instructor (admin) user name; repeatable")
    s.add_argument("--ip", default="127.0.0.1", help="address of the public proxy port (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=8000)
    g = sub.add_parser("grade", help="collect and grade as root (isolated grading), see classroom/grade_class.py")
    g.add_argument("assignments", nargs="+")
    g.add_argument("--cell-timeout", type=int, default=120, help="seconds per cell (default 120)")
    args = ap.parse_args(argv)
    if os.geteuid() != 0:
        raise SystemExit("run as root: the hub starts every user's server as that user")
    cr = Classroom(ip=getattr(args, "ip", "127.0.0.1"), port=getattr(args, "port", 8000))
    if args.cmd == "grade":
        code, out = grade_as_root(cr, args.assignments, args.cell_timeout)
        print(out)
        raise SystemExit(code)
    install(cr)
    if args.cmd == "start":
        sync_app(cr)
        instructors = args.instructor or cr.settings().get("instructors", [])
        if not instructors:
            raise SystemExit("name at least one instructor: --instructor NAME (a system user; see classroom/README.md)")
        for name in instructors:
            if not user_exists(name):
                raise SystemExit(f"instructor {name!r} is not a system user; create it first "
                                 f"(useradd -m {name} && passwd {name}) or list it in a roster")
        setup(cr, instructors)
        log(f"hub at {cr.url} (course service /services/{cr.course}/, instructors {', '.join(instructors)}); "
            f"its log follows; Ctrl-C stops it (and every server it started)")
        raise SystemExit(run_hub_foreground(cr))


if __name__ == "__main__":
    main()
