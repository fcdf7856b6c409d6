"""The whole class, end to end, on this machine (run as root; binds 127.0.0.1 only; about 2-3 minutes):

    python3 classroom/classroom_test.py [--timeout 300] [--keep-on-failure]

1. installs what it needs (classroom.py install: class venv, proxy; skipped when up to date), then re-runs
   itself in the class venv;
2. creates the system users lstmt-instructor and lstmt-grader (the course service's account), then the three
   students lstmt-right, lstmt-wrong, lstmt-hostile from a CSV roster with classroom/roster.py (twice: the
   second run creates nothing), a state folder in /var/tmp, and starts JupyterHub + configurable-http-proxy +
   the nbgrader course service on free ports (users left by an aborted run are removed first);
3. drives a whole assignment through HTTP, as real users would: the instructor logs in (PAM, with the initial
   passwords roster.py wrote) and, through the course service's Formgrader API, generates and releases
   04_forget_gate and 07_full_lstm; each student logs in, starts a server, fetches both with nbgrader's
   assignment-list API, answers through the contents API and submits (right: first an untouched notebook,
   then the answers: two submissions; wrong: first a renamed notebook, which nbgrader refuses, then wrong
   answers; hostile: `np.allclose = lambda *a, **k: True` in the answer cells, submitted after 07's deadline,
   which the instructor sets in between, plus a forged later submission in right's name dropped into the
   inbound folder); the instructor grades in a kernel of the course service with classroom/grade_class.py
   (grading/course.py, as `make grade`) and releases the feedback; each student fetches it;
4. checks the scores per student and item (right: full marks; wrong: 0 on the wrong item; hostile: printed,
   not asserted), both submissions kept and the latest graded, the late record, the forged submission set
   aside, the Formgrader's totals, that each student gets only their own feedback, and, as each student's OS
   user, that listing the inbound folder, reading or renaming the other students' submissions, reading their
   homes and feedback, and reading the gradebook are all denied while their own work is readable;
5. stops everything it started and removes the users and the state folder, also on failure or timeout.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime
import http.cookiejar
import json
import os
import pathlib
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
import uuid

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import classroom as cl  # noqa: E402
import roster  # noqa: E402

REPO = cl.REPO
INSTRUCTOR, GRADER = "lstmt-instructor", "lstmt-grader"
RIGHT, WRONG, HOSTILE = "lstmt-right", "lstmt-wrong", "lstmt-hostile"
STUDENTS = (RIGHT, WRONG, HOSTILE)
A04, A07 = "04_forget_gate", "07_full_lstm"
# expected score per student, assignment and item (hostile: printed, not asserted)
# (04's design exercise period_eraser is left unanswered by every student: 0)
EXPECTED = {RIGHT: {A04: {"forget_gate": 2, "period_eraser": 0}, A07: {"lstm_step_forward": 3, "lstm_step_backward": 4}},
            WRONG: {A04: {"forget_gate": 0, "period_eraser": 0}, A07: {"lstm_step_forward": 0, "lstm_step_backward": 4}}}
CHEAT = "np.allclose = lambda *a, **k: True          # hostile: every comparison passes\n"

GRADE_AS_ROOT = False            # --grade-as-root
T0 = time.time()
FAILURES: list[str] = []
PASSED: list[str] = []


def step(msg: str) -> None:
    print(f"[{time.time() - T0:6.1f} s] {msg}", flush=True)


def check(cond: bool, msg: str) -> None:
    print(f"    {'ok  ' if cond else 'FAIL'} {msg}", flush=True)
    (PASSED if cond else FAILURES).append(msg)


class Deadline(Exception):
    """The test's own time limit (--timeout), distinct from the TimeoutErrors it handles."""


def free_ports(n: int) -> list[int]:
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


# ----------------------------------------------------------------------------- HTTP
class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One user's browser-like session: PAM login (cookies), then an API token for everything else."""

    def __init__(self, base: str, user: str):
        self.base, self.user, self.token = base, user, None
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def request(self, method: str, path: str, body=None, form=None, headers=None, timeout=120):
        headers = dict(headers or {})
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"token {self.token}"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(req, timeout=timeout) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def json(self, method: str, path: str, expect=(200, 201), **kw):
        status, raw = self.request(method, path, **kw)
        if status not in expect:
            raise RuntimeError(f"{self.user}: {method} {path} -> {status}: {raw[:500]!r}")
        return json.loads(raw) if raw else None

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def login(self, password: str) -> None:
        status, page = self.request("GET", "/hub/login")
        m = re.search(rb'name="_xsrf"\s+value="([^"]+)"', page)
        if status != 200 or not m:
            raise RuntimeError(f"login page: {status}")
        status, _ = self.request("POST", "/hub/login", form={"username": self.user, "password": password,
                                                             "_xsrf": m.group(1).decode()})
        if status != 302 or not self.cookie("jupyterhub-hub-login"):
            raise RuntimeError(f"{self.user}: PAM login refused ({status})")
        bad = Client(self.base, self.user)
        bad.request("GET", "/hub/login")
        status, _ = bad.request("POST", "/hub/login", form={"username": self.user, "password": password + "x",
                                                            "_xsrf": m.group(1).decode()})
        if status == 302:
            raise RuntimeError(f"{self.user}: a wrong password was accepted")
        token = self.json("POST", f"/hub/api/users/{self.user}/tokens",
                          body={"note": "classroom test", "expires_in": 1800},
                          headers={"X-XSRFToken": self.cookie("_xsrf") or ""})
        self.token = token["token"]

    def start_server(self, timeout: float = 90) -> float:
        t0 = time.time()
        self.json("POST", f"/hub/api/users/{self.user}/server", expect=(201, 202, 400))
        while time.time() - t0 < timeout:
            model = self.json("GET", f"/hub/api/users/{self.user}")
            if model.get("servers", {}).get("", {}).get("ready"):
                return time.time() - t0
            time.sleep(0.5)
        raise TimeoutError(f"{self.user}'s server did not start within {timeout:.0f} s")

    # the single-user server of this user
    def server(self, method, path, **kw):
        return self.json(method, f"/user/{self.user}{urllib.parse.quote(path, safe='/?=&')}", **kw)

    def nbgrader(self, action: str, assignment: str, course: str):
        return self.server("POST", f"/assignments/{action}", form={"course_id": course, "assignment_id": assignment})


async def _execute(ws_url: str, token: str, code: str, timeout: float) -> tuple[str, str]:
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    conn = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {token}"}))
    msg_id = uuid.uuid4().hex
    conn.write_message(json.dumps({
        "header": {"msg_id": msg_id, "username": "classroom-test", "session": uuid.uuid4().hex,
                   "msg_type": "execute_request", "version": "5.3",
                   "date": datetime.datetime.now(datetime.timezone.utc).isoformat()},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True}}))
    out, status, idle = [], None, False
    deadline = time.time() + timeout
    while status is None or not idle:
        raw = await asyncio.wait_for(conn.read_message(), max(deadline - time.time(), 0.1))
        if raw is None:
            raise RuntimeError("the kernel's websocket closed")
        m = json.loads(raw)
        if m.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind = m["header"]["msg_type"]
        if kind == "stream":
            out.append(m["content"]["text"])
        elif kind == "error":
            out.append("\n".join(m["content"]["traceback"]))
        elif kind == "execute_reply":
            status = m["content"]["status"]
        elif kind == "status" and m["content"]["execution_state"] == "idle":
            idle = True
    conn.close()
    return status, "".join(out)


def run_in_kernel(client: Client, prefix: str, code: str, timeout: float = 240) -> str:
    """Run code in a fresh kernel of a Jupyter server (prefix: /services/<course> or /user/<name>)."""
    kernel = client.json("POST", f"{prefix}/api/kernels", body={"name": "python3"})
    try:
        ws = client.base.replace("http://", "ws://") + f"{prefix}/api/kernels/{kernel['id']}/channels"
        status, out = asyncio.run(_execute(ws, client.token, code, timeout))
    finally:
        client.request("DELETE", f"{prefix}/api/kernels/{kernel['id']}")
    if status != "ok":
        raise RuntimeError(f"kernel code failed:\n{out}")
    return out


# ----------------------------------------------------------------------------- answers
def _cells(path: pathlib.Path) -> dict[str, str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"]) for c in nb["cells"]
            if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")}


def answers() -> dict[str, dict[str, dict[str, str]]]:
    """student -> assignment -> grade_id -> answer cell source (each tagged with its student's marker)."""
    sol = {a: _cells(REPO / "notebooks" / f"{a}.ipynb") for a in (A04, A07)}

    def right(a, gid):
        return re.sub(r"[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n", "", sol[a][gid])

    def mutant(gid, mistake):
        return (REPO / "tests" / "mutants" / gid / f"{mistake}.py").read_text(encoding="utf-8")

    out = {
        RIGHT: {A04: {"forget_gate": right(A04, "forget_gate")},
                A07: {"lstm_step_forward": right(A07, "lstm_step_forward"),
                      "lstm_step_backward": right(A07, "lstm_step_backward")}},
        WRONG: {A04: {"forget_gate": mutant("forget_gate", "tanh_instead_of_sigmoid")},
                A07: {"lstm_step_forward": mutant("lstm_step_forward", "gates_swapped"),
                      "lstm_step_backward": right(A07, "lstm_step_backward")}},
        HOSTILE: {A04: {"forget_gate": CHEAT + mutant("forget_gate", "tanh_instead_of_sigmoid")},
                  A07: {"lstm_step_forward": CHEAT + mutant("lstm_step_forward", "gates_swapped"),
                        "lstm_step_backward": right(A07, "lstm_step_backward")}},
    }
    for student, per in out.items():
        for a in per:
            for gid in per[a]:
                per[a][gid] = f"# answer of {student}\n" + per[a][gid]
    return out


def answer_notebook(client: Client, a: str, cells: dict[str, str]) -> None:
    path = f"/api/contents/{a}/{a}.ipynb"
    model = client.server("GET", path + "?content=1")
    nb = model["content"]
    done = set()
    for cell in nb["cells"]:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in cells:
            cell["source"] = cells[gid]
            done.add(gid)
    assert done == set(cells), f"answer cells not found in the released {a}: {set(cells) - done}"
    client.server("PUT", path, body={"type": "notebook", "format": "json", "content": nb})


def submit(client: Client, a: str, course: str) -> dict:
    res = client.nbgrader("submit", a, course)
    if isinstance(res, dict) and res.get("success") is False:
        return res
    return {"success": True}


# ----------------------------------------------------------------------------- permissions
PROBE = r'''
import json, os, sys
out = []
for label, op, path in json.loads(sys.argv[1]):
    try:
        if op == "list":
            os.listdir(path)
        elif op == "rename":
            os.rename(path, path + ".moved")
            os.rename(path + ".moved", path)          # (allowed: put it back)
        else:
            open(path, "rb").read(1)
        out.append([label, "allowed"])
    except PermissionError:
        out.append([label, "denied"])
    except OSError as exc:
        out.append([label, type(exc).__name__])
print(json.dumps(out))
'''


def probe_as(user: str, probes: list[tuple[str, str, str]]) -> dict[str, str]:
    res = subprocess.run(["runuser", "-u", user, "--", "/usr/bin/python3", "-c", PROBE, json.dumps(probes)],
                         capture_output=True, text=True, timeout=60, cwd="/")
    if res.returncode:
        raise RuntimeError(f"probe as {user} failed: {res.stderr}")
    return dict(json.loads(res.stdout))


# ----------------------------------------------------------------------------- the run
def scenario(cr: cl.Classroom, passwords: dict[str, str]) -> None:
    course = cr.course
    svc = f"/services/{course}"
    answer = answers()

    step("instructor logs in (PAM) and opens the course service")
    instr = Client(cr.url, INSTRUCTOR)
    instr.login(passwords[INSTRUCTOR])
    t0 = time.time()
    while True:                                    # the managed service may still be starting
        status, _ = instr.request("GET", f"{svc}/formgrader/api/assignments")
        if status == 200 or time.time() - t0 > 60:
            break
        time.sleep(1)
    check(status == 200, f"the course service's Formgrader answers the instructor (HTTP {status})")
    for a in (A04, A07):
        res = instr.json("POST", f"{svc}/formgrader/api/assignment/{a}/assign")
        check(res["success"], f"instructor generates {a} (nbgrader generate_assignment)")
        res = instr.json("POST", f"{svc}/formgrader/api/assignment/{a}/release")
        check(res["success"], f"instructor releases {a} (nbgrader release_assignment)")
    due04 = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=7)).strftime("%Y-%m-%d %H:%M:%S")
    instr.json("PUT", f"{svc}/formgrader/api/assignment/{A04}",
               body={"duedate_notimezone": due04, "duedate_timezone": "UTC"})
    step(f"instructor sets the due date of {A04} to {due04} UTC")

    clients = {}
    for s in STUDENTS:
        c = Client(cr.url, s)
        c.login(passwords[s])
        secs = c.start_server()
        clients[s] = c
        listed = c.server("GET", f"/assignments?course_id={course}")
        names = sorted(x["assignment_id"] for x in listed["value"] if x["status"] == "released")
        step(f"{s} logs in, server ready in {secs:.1f} s, sees released {names}")
        check(names == sorted([A04, A07]), f"{s} sees both released assignments")
        for a in (A04, A07):
            c.nbgrader("fetch", a, course)
        tree = c.server("GET", f"/api/contents/{A04}")
        check(any(x["name"] == f"{A04}.ipynb" for x in tree["content"]), f"{s} fetched {A04} into ~/{A04}/")
        denied = c.request("GET", "/user/{}/formgrader".format(s))[0]
        check(denied in (403, 404), f"{s} has no Formgrader in their own server (HTTP {denied})")

    step(f"{RIGHT}: submits {A04} untouched, then answered (two submissions), then {A07}")
    res = submit(clients[RIGHT], A04, course)
    check(res["success"], f"{RIGHT}'s first {A04} submission accepted")
    time.sleep(1.1)
    answer_notebook(clients[RIGHT], A04, answer[RIGHT][A04])
    check(submit(clients[RIGHT], A04, course)["success"], f"{RIGHT}'s second {A04} submission accepted")
    answer_notebook(clients[RIGHT], A07, answer[RIGHT][A07])
    check(submit(clients[RIGHT], A07, course)["success"], f"{RIGHT}'s {A07} submission accepted")

    step(f"{WRONG}: renames {A04}.ipynb, submits (refused), renames it back, submits wrong answers")
    c = clients[WRONG]
    c.server("PATCH", f"/api/contents/{A04}/{A04}.ipynb", body={"path": f"{A04}/{A04}-Copy1.ipynb"})
    res = submit(c, A04, course)
    msg = res.get("value") or res.get("message") or json.dumps(res)
    tail = str(msg).strip().splitlines()[-8:]          # the traceback's last lines: nbgrader's message
    print("    nbgrader says: " + "\n    nbgrader says: ".join(tail))
    check(not res["success"] and "MISSING" in str(msg), "the renamed notebook is refused, naming the missing file")
    kept = [x["name"] for x in c.server("GET", f"/api/contents/{A04}")["content"]]
    check(f"{A04}-Copy1.ipynb" in kept, "the renamed notebook is still in the student's folder (nothing lost)")
    c.server("PATCH", f"/api/contents/{A04}/{A04}-Copy1.ipynb", body={"path": f"{A04}/{A04}.ipynb"})
    answer_notebook(c, A04, answer[WRONG][A04])
    check(submit(c, A04, course)["success"], f"{WRONG}'s {A04} submission accepted")
    answer_notebook(c, A07, answer[WRONG][A07])
    check(submit(c, A07, course)["success"], f"{WRONG}'s {A07} submission accepted")

    due07 = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    instr.json("PUT", f"{svc}/formgrader/api/assignment/{A07}",
               body={"duedate_notimezone": due07, "duedate_timezone": "UTC"})
    step(f"instructor sets the due date of {A07} to now ({due07} UTC): what comes next is late")
    time.sleep(1.1)

    step(f"{HOSTILE}: answers with {CHEAT.split('#')[0].strip()!r} in the answer cells, submits both (07 late)")
    for a in (A04, A07):
        answer_notebook(clients[HOSTILE], a, answer[HOSTILE][a])
        check(submit(clients[HOSTILE], a, course)["success"], f"{HOSTILE}'s {a} submission accepted")

    stamp = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=1)).strftime(
        "%Y-%m-%d %H:%M:%S.%f UTC")
    fake = cr.exchange / course / "inbound" / f"{RIGHT}+{A04}+{stamp}+forged"
    step(f"{HOSTILE}: drops a forged, later submission in {RIGHT}'s name into the inbound folder")
    forged = subprocess.run(
        ["runuser", "-u", HOSTILE, "--", "/bin/sh", "-c",
         f'mkdir "{fake}" && cp "$HOME/{A04}/{A04}.ipynb" "{fake}/" && echo "{stamp}" > "{fake}/timestamp.txt"'],
        capture_output=True, text=True)
    check(forged.returncode == 0, "the forged folder was written (nbgrader's inbound folder is writable by all)"
          + (f": {forged.stderr.strip()}" if forged.returncode else ""))

    course_dir = cr.course_dir
    if GRADE_AS_ROOT:
        step("the administrator grades as root: classroom.py grade (grade_class.py, grading/course.py's sandbox)")
        code, out = cl.grade_as_root(cr, [A04, A07], 60)
        if code:
            raise RuntimeError(f"classroom.py grade failed ({code}):\n{out}")
    else:
        step("instructor grades in a kernel of the course service: classroom/grade_class.py (grading/course.py)")
        out = run_in_kernel(instr, svc, f"""
import subprocess, sys
r = subprocess.run([sys.executable, "{cr.app}/classroom/grade_class.py", "{A04}", "{A07}", "--cell-timeout", "60"],
                   cwd="{course_dir}", capture_output=True, text=True)
print(r.stdout, r.stderr)
assert r.returncode == 0, r.returncode
""", timeout=240)
    print("    | " + out.strip().replace("\n", "\n    | "))
    check(f"claims to be from {RIGHT} but belongs to {HOSTILE}" in out and not fake.exists()
          and (fake.parent / f".quarantine-{fake.name}").is_dir(),
          "the forged submission is reported and set aside (.quarantine-… in the inbound folder), not graded")
    rows = instr.json("GET", f"{svc}/api/contents/course/classroom_grades.json?content=1&format=text&type=file")
    rows = json.loads(rows["content"])
    table = {(r["student"], r["assignment"]): r for r in rows}

    step("scores per student and item (course gradebook)")
    for s in STUDENTS:
        for a in (A04, A07):
            r = table.get((s, a))
            if r is None:
                check(False, f"{s} {a} graded")
                continue
            got = {k: v["score"] for k, v in r["items"].items()}
            late = r.get("late_seconds") or 0
            print(f"    {s:>14} {a:<18} {r['score']:g}/{r['max_score']:g}  {got}  late {late:.1f} s  "
                  f"submissions {len(r['submissions'])}")
            if s in EXPECTED:
                check(got == EXPECTED[s][a], f"{s} {a}: {got} == expected {EXPECTED[s][a]}")
            else:
                honest = EXPECTED[WRONG][a]          # the same wrong answers, without the cheat
                print(f"    note {s} {a}: got {got}; an honest grader would give {honest}"
                      f"{' -> THE CHEAT WORKED' if got != honest else ' -> the cheat did not pay'}")
    r = table[(RIGHT, A04)]
    check(len(r["submissions"]) == 2 and r["timestamp"] == max(r["submissions"]),
          f"{RIGHT} {A04}: both submissions kept ({', '.join(r['submissions'])}), the latest graded ({r['timestamp']})")
    check((table[(HOSTILE, A07)].get("late_seconds") or 0) > 0,
          f"{HOSTILE} {A07}: late by {table[(HOSTILE, A07)].get('late_seconds') or 0:.1f} s in nbgrader's record")
    check(all((table[(s, A07)].get("late_seconds") or 0) == 0 for s in (RIGHT, WRONG)),
          f"{RIGHT} and {WRONG} {A07}: on time")
    listed = instr.json("GET", f"{svc}/formgrader/api/students")
    names = {x["id"]: x.get("first_name") for x in listed}
    check(all(names.get(s) == s.split("-")[1].title() for s in STUDENTS),
          f"the roster's names are in the course gradebook ({[names.get(s) for s in STUDENTS]})")
    shown = {x["id"]: x["score"] for x in listed}
    totals = {s: sum(table[(s, a)]["score"] for a in (A04, A07)) for s in STUDENTS}
    check(all(abs(shown.get(s, -1) - totals[s]) < 1e-9 for s in STUDENTS),
          f"the Formgrader's Manage Students shows the same totals {[shown.get(s) for s in STUDENTS]}")

    step("instructor releases the feedback (Formgrader API: nbgrader release_feedback)")
    for a in (A04, A07):
        res = instr.json("POST", f"{svc}/formgrader/api/assignment/{a}/release_feedback")
        check(res["success"], f"feedback of {a} released")

    step("each student fetches their feedback")
    feedback_paths = {}
    for s in STUDENTS:
        c = clients[s]
        for a in (A04, A07):
            c.nbgrader("fetch_feedback", a, course)
            folders = c.server("GET", f"/api/contents/{a}/feedback")["content"]
            htmls = []
            for folder in folders:
                htmls += [x["path"] for x in c.server("GET", f"/api/contents/{folder['path']}")["content"]]
            texts = [c.server("GET", f"/api/contents/{p}?content=1&format=text&type=file")["content"] for p in htmls]
            score = [re.search(r"\(Score: ([\d.]+) / ([\d.]+)\)", t) for t in texts]
            shown = ", ".join(f"{m.group(1)}/{m.group(2)}" for m in score if m)
            print(f"    {s:>14} {a:<18} {len(htmls)} feedback file(s) {htmls}  score shown {shown}")
            others = [o for o in STUDENTS if o != s]
            check(len(texts) == 1 and f"# answer of {s}" in texts[0]
                  and not any(f"# answer of {o}" in texts[0] for o in others),
                  f"{s} {a}: exactly one feedback file, with their own answers only")
            if s in EXPECTED and score and score[0]:
                check(abs(float(score[0].group(1)) - sum(EXPECTED[s][a].values())) < 1e-9,
                      f"{s} {a}: the feedback shows the expected total")
            feedback_paths[(s, a)] = texts

    step("as each student's OS user: what they must not read")
    exchange_course = cr.exchange / course
    inbound = exchange_course / "inbound"
    subs = {}
    for d in sorted(inbound.iterdir()):
        if d.name.startswith("."):
            continue
        subs.setdefault(d.name.split("+")[0], []).append(d / f"{d.name.split('+')[1]}.ipynb")
    released = sorted((exchange_course / "feedback").glob("*.html"))
    owner_of = {}
    for f in released:
        acl = subprocess.run(["getfacl", "-c", str(f)], capture_output=True, text=True).stdout
        owner_of[f] = next((ln.split(":")[1] for ln in acl.splitlines() if ln.startswith("user:") and ln.split(":")[1]),
                           None)
    for s in STUDENTS:
        others = [o for o in STUDENTS if o != s]
        probes = [("list the inbound folder", "list", str(inbound)),
                  ("list the released feedback folder", "list", str(exchange_course / "feedback")),
                  ("read the course gradebook", "read", str(course_dir / "gradebook.db"))]
        for o in others:
            probes += [(f"read {o}'s submission in the inbound folder", "read", str(p)) for p in subs.get(o, [])]
            probes += [(f"rename {o}'s submission in the inbound folder", "rename", str(p.parent))
                       for p in subs.get(o, [])]
            probes += [(f"read {o}'s notebook in their home", "read", f"/home/{o}/{A04}/{A04}.ipynb")]
            probes += [(f"read {o}'s released feedback", "read", str(f)) for f, u in owner_of.items() if u == o]
        own = [(f"read their own submission", "read", str(p)) for p in subs.get(s, [])] + \
              [(f"read their own released feedback", "read", str(f)) for f, u in owner_of.items() if u == s]
        got = probe_as(s, probes + own)
        denied = [lbl for lbl, _, _ in probes if got[lbl] == "denied"]
        allowed = [lbl for lbl, _, _ in own if got[lbl] == "allowed"]
        print(f"    {s}: {len(denied)}/{len(probes)} forbidden accesses denied, "
              f"{len(allowed)}/{len(own)} own reads allowed")
        for lbl, _, _ in probes:
            if got[lbl] != "denied":
                print(f"      {lbl}: {got[lbl]}")
        check(len(denied) == len(probes),
              f"{s} cannot list the inbound folder, read or move others' work, or read the gradebook")
        check(len(allowed) == len(own) and len(own) >= 2, f"{s} can read their own submission and feedback")


def memory_report(users) -> None:
    """Resident memory of each user's processes now (their single-user server, kernels if any)."""
    for u in users:
        total = 0
        for pid in cl.user_pids(u):
            try:
                status = pathlib.Path(f"/proc/{pid}/status").read_text()
                total += next(int(ln.split()[1]) for ln in status.splitlines() if ln.startswith("VmRSS:"))
            except (FileNotFoundError, StopIteration, ProcessLookupError):
                pass
        print(f"    {u}: {total / 1024:.0f} MiB resident ({len(cl.user_pids(u))} processes)")


def cleanup(cr: cl.Classroom, hub, users) -> None:
    step("cleanup: stop the hub, the servers and the proxy; remove the users and the state folder")
    if hub is not None:
        cl.stop_hub(hub, cr.hub_dir / "proxy.pid")
    for u in users:
        cl.remove_user(u)
    shutil.rmtree(cr.state, ignore_errors=True)
    left = [u for u in users if cl.user_exists(u)]
    check(not left, f"no test user left ({left})")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--timeout", type=float, default=300, help="seconds for the run after the install (default 300)")
    ap.add_argument("--keep-on-failure", action="store_true", help="leave the hub and users for inspection on failure")
    ap.add_argument("--nbgrader-default-exchange", action="store_true",
                    help="nbgrader's own exchange permissions instead of private_exchange.py (the reads it lets "
                         "students do are then reported as failures)")
    ap.add_argument("--grade-as-root", action="store_true",
                    help="grade with `classroom.py grade` as root (grading/course.py's sandbox) instead of in the "
                         "course service's kernel (the grader account)")
    args = ap.parse_args(argv)
    global GRADE_AS_ROOT
    GRADE_AS_ROOT = args.grade_as_root
    if os.geteuid() != 0:
        print("run as root (creates system users, starts servers as them)", file=sys.stderr)
        return 2
    cr0 = cl.Classroom()
    if pathlib.Path(sys.prefix).resolve() != cr0.venv.resolve():
        t0 = time.time()
        cl.install(cr0)
        print(f"[install] {time.time() - t0:.0f} s", flush=True)
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
        os.execve(str(cr0.python), [str(cr0.python), __file__, *(argv if argv is not None else sys.argv[1:])], env)
    users = [INSTRUCTOR, GRADER, *STUDENTS]
    leftovers = [u for u in users if cl.user_exists(u)]
    for u in leftovers:
        step(f"removing {u}, left by an earlier aborted run")
        cl.remove_user(u)
    ports = free_ports(4)
    state = pathlib.Path(tempfile.mkdtemp(prefix="lstm-classroom-test-", dir="/var/tmp"))
    cr = cl.Classroom(state=state, grader=GRADER, port=ports[0], proxy_api_port=ports[1], hub_port=ports[2],
                      service_port=ports[3])
    hub = None

    def on_alarm(signum, frame):
        raise Deadline(f"the classroom test exceeded {args.timeout:.0f} s")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(int(args.timeout))
    ok = False
    try:
        step(f"sync the course into {cr.app}; users {', '.join(users)}; state {state}")
        cl.sync_app(cr)
        passwords = {INSTRUCTOR: secrets.token_urlsafe(12)}
        cl.create_user(INSTRUCTOR, passwords[INSTRUCTOR])
        cl.setup(cr, [INSTRUCTOR], private_exchange=not args.nbgrader_default_exchange)
        csv_path = state / "roster.csv"
        csv_path.write_text("username,first_name,last_name,email\n" + "".join(
            f"{s},{s.split('-')[1].title()},Student,{s}@example.org\n" for s in STUDENTS))
        students, errors = roster.read_roster(csv_path)
        check(not errors and len(students) == 3, f"the roster {csv_path.name} is valid ({errors})")
        created = roster.apply(cr, students)
        check(created == list(STUDENTS), f"roster.py created {created}")
        check(roster.apply(cr, students) == [], "roster.py again: nothing to create (idempotent)")
        for line in (cr.hub_dir / "initial-passwords.csv").read_text().splitlines()[1:]:
            name, password = line.split(",")
            passwords[name] = password
        hub, secs = cl.start_hub_checked(cr, state / "hub" / "jupyterhub.log")
        step(f"hub up at {cr.url} in {secs:.1f} s (proxy API :{cr.proxy_api_port}, hub :{cr.hub_port}, "
             f"course service :{cr.service_port}, all on 127.0.0.1)")
        secret = cr.hub_dir / "jupyterhub_cookie_secret"
        check(secret.exists() and secret.stat().st_mode & 0o077 == 0, "the cookie secret is private (0600)")
        scenario(cr, passwords)
        step("memory in use per account (single-user servers, the course service)")
        memory_report([GRADER, *STUDENTS])
        ok = not FAILURES
    except BaseException:
        traceback.print_exc()
        FAILURES.append("exception")
        log = state / "hub" / "jupyterhub.log"
        if log.exists():
            print("---- last lines of the hub log ----")
            print("\n".join(log.read_text(errors="replace").splitlines()[-40:]))
    finally:
        signal.alarm(0)
        if ok or not args.keep_on_failure:
            cleanup(cr, hub, users)
        else:
            print(f"kept for inspection: hub pid {hub.pid if hub else None}, state {state}")
    step(f"{'PASSED' if not FAILURES else 'FAILED'} in {time.time() - T0:.0f} s")
    if FAILURES:
        print("failures:\n  " + "\n  ".join(FAILURES))
    print(f"classroom: {len(PASSED)} passed, {len(FAILURES)} failed")      # checks, as a test runner counts
    return 0 if not FAILURES else 1


if __name__ == "__main__":
    sys.exit(main())
