"""Instructor commands on top of nbgrader: `make release` and `make grade SUBMISSIONS=<dir>`.

notebooks/ is the single source (the instructor version, solutions and hidden tests in place). Every
command builds an nbgrader course directory in a temporary folder:

    <tmp>/nbgrader_config.py -> grading/nbgrader_config.py   (symlink)
    <tmp>/source/<nb>/<nb>.ipynb                              one assignment per notebook with exercises
    <tmp>/submitted/<student>/<nb>/<nb>.ipynb                 (grade) copies of <dir>/<student>/<nb>.ipynb
    <tmp>/autograded/<student>/data -> data/                  so that ../data/... resolves while grading

release:  nbgrader generate_assignment for every notebook with exercises; writes release/notebooks/<nb>.ipynb
          and a copy of data/ in release/data/ (same relative layout as the repository).
grade:    generate_assignment (records the source cells in a fresh gradebook), then nbgrader's autograde
          for each student and notebook in turn, then generate_feedback and export. nbgrader runs in a
          worker process (grading/worker.py, imported once: ~5 s saved per submission); a submission that
          makes it exceed a wall-clock limit (60 s + cells x cell timeout, a backup for nbgrader's per-cell
          timeout) gets the worker killed and restarted, 0 on every item, and the reason in its feedback;
          a file that is not a notebook likewise. An item with an edited read-only cell or a flood of output
          scores 0 with the reason in the feedback (grading/course_preprocessors.py: FlagModifiedCells,
          LimitOutputSize, ZeroFlaggedItems). Every (student, notebook) pair ends up in the gradebook. Writes <dir>/grades.csv, <dir>/feedback/<student>/<nb>.html,
          <dir>/gradebook.db and <dir>/grading_log.json (status, reason and seconds per submission, the
          items set to 0 after the kernel's tests and why, the isolated re-check and the tamper audit).
          The kernel and the re-checks run sandboxed (grading/sandbox.py, grading/recheck.py,
          grading/README.md): $GRADE_SANDBOX_DIR (<tmp>/sandbox) holds their jail mount point and sockets.
"""
from __future__ import annotations

import argparse
import html
import json
import os
import pathlib
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT / "grading") not in sys.path:
    sys.path.insert(0, str(ROOT / "grading"))     # sandbox.py, audit.py
CONFIG = ROOT / "grading" / "nbgrader_config.py"
NOTEBOOKS = ROOT / "notebooks"
DATA = ROOT / "data"
RESERVED = {"feedback"}        # subfolders of SUBMISSIONS that are outputs, not students


def exercise_notebooks(folder: pathlib.Path = NOTEBOOKS) -> list[pathlib.Path]:
    """Notebooks with at least one nbgrader cell (an exercise)."""
    out = []
    for path in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        if any("nbgrader" in c.get("metadata", {}) for c in nb["cells"]):
            out.append(path)
    return out


class Worker:
    """grading/worker.py in its own process group: nbgrader is imported once and runs job after job."""

    def __init__(self, course: pathlib.Path, log: pathlib.Path):
        env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
        self.log = open(log, "a", encoding="utf-8")
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "grading" / "worker.py"), str(course)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True,
                                     start_new_session=True, env=env, cwd=course)
        self._answer(300)

    def _answer(self, timeout: float) -> dict:
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else ""
        if not line:
            self.kill()
            raise TimeoutError(f"no answer within {timeout:.0f} s" if not ready else "the grading worker died")
        return json.loads(line)

    def run(self, timeout: float, **job) -> dict:
        """Run one job; TimeoutError (the worker is then killed) if it takes longer than ``timeout`` s."""
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()
        return self._answer(timeout)

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)         # the worker and the kernel it started
            self.proc.wait()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


def make_course(tmp: pathlib.Path, notebooks: list[pathlib.Path]) -> tuple[pathlib.Path, Worker]:
    """The course directory with one assignment per notebook (generated), and a worker running in it."""
    course = tmp / "course"
    course.mkdir()
    (course / "nbgrader_config.py").symlink_to(CONFIG)
    for nb in notebooks:
        src = course / "source" / nb.stem
        src.mkdir(parents=True)
        shutil.copy(nb, src / nb.name)
    worker = Worker(course, tmp / "worker.log")
    for nb in notebooks:
        res = worker.run(300, cmd="generate_assignment", assignment=nb.stem)
        if not res["success"]:
            worker.close()
            raise SystemExit(f"nbgrader generate_assignment {nb.stem} failed:\n{res['error']}\n{res['log']}")
    return course, worker


# ----------------------------------------------------------------------------- release
def release(out: pathlib.Path) -> list[pathlib.Path]:
    notebooks = exercise_notebooks()
    with tempfile.TemporaryDirectory(prefix="lstm-release-") as t:
        course, worker = make_course(pathlib.Path(t), notebooks)
        worker.close()
        if out.exists():
            shutil.rmtree(out)
        (out / "notebooks").mkdir(parents=True)
        written = []
        for nb in notebooks:
            dst = out / "notebooks" / nb.name
            shutil.copy(course / "release" / nb.stem / nb.name, dst)
            written.append(dst)
        shutil.copytree(DATA, out / "data")
    return written


# ----------------------------------------------------------------------------- grade
def _zero_grades(course: pathlib.Path, assignment: str, student: str) -> None:
    """Make sure a failed submission is in the gradebook with 0 on every item (nothing lost)."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.update_or_create_student(student)
        gb.update_or_create_submission(assignment, student)
        nb = gb.find_submission_notebook(assignment, assignment, student)
        for grade in nb.grades:
            grade.auto_score = 0
            grade.needs_manual_grade = False
        gb.db.commit()


def _failure_html(student: str, assignment: str, reason: str, log: str) -> str:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{assignment} — {student}</title></head>"
            f"<body><h1>{html.escape(assignment)}: not graded</h1><p>Student: {html.escape(student)}</p>"
            f"<p><b>Reason:</b> {html.escape(reason)}</p><p>Every item of this notebook scores 0.</p>"
            f"<details><summary>grader log</summary><pre>{html.escape(log[-5000:])}</pre></details></body></html>")


def grade(submissions: pathlib.Path, cell_timeout: int, wall_limit: float | None = None) -> list[dict]:
    submissions = submissions.resolve()
    notebooks = exercise_notebooks()
    students = sorted(p.name for p in submissions.iterdir()
                      if p.is_dir() and not p.name.startswith(".") and p.name not in RESERVED)
    if not students:
        raise SystemExit(f"{submissions}: no student folders (<dir>/<student_id>/<notebook>.ipynb)")
    log = []
    with tempfile.TemporaryDirectory(prefix="lstm-grade-") as t:
        tmp = pathlib.Path(t)
        os.environ["GRADE_CELL_TIMEOUT"] = str(cell_timeout)
        timing_file = tmp / "timing.jsonl"
        os.environ["GRADE_TIMING_FILE"] = str(timing_file)
        report_file = tmp / "report.jsonl"
        os.environ["GRADE_REPORT_FILE"] = str(report_file)
        (tmp / "sandbox").mkdir(mode=0o700)
        os.environ["GRADE_SANDBOX_DIR"] = str(tmp / "sandbox")
        course, worker = make_course(tmp, notebooks)
        for student in students:
            (course / "autograded" / student).mkdir(parents=True)
            (course / "autograded" / student / "data").symlink_to(DATA)
            for nb in notebooks:
                path = submissions / student / nb.name
                entry = {"student": student, "assignment": nb.stem, "status": "missing", "reason": "", "seconds": 0.0}
                log.append(entry)
                if not path.exists():
                    entry["reason"] = f"no file {nb.name} submitted"
                    continue
                dst = course / "submitted" / student / nb.stem
                dst.mkdir(parents=True)
                shutil.copy(path, dst / nb.name)
                limit = wall_limit or (60 + cell_timeout * max(_count_cells(path), 1))
                t0 = time.perf_counter()
                bad = _unreadable(path)
                if bad:
                    entry.update(status="failed", reason=f"the file is not a readable notebook ({bad})")
                    _zero_grades(course, nb.stem, student)
                    continue
                try:
                    res = worker.run(limit, cmd="autograde", assignment=nb.stem, student=student)
                except TimeoutError:
                    res = {"success": False, "error": f"grading stopped after {limit:.0f} s (wall-clock limit)", "log": ""}
                    worker = Worker(course, tmp / "worker.log")
                entry["seconds"] = time.perf_counter() - t0
                graded_nb = course / "autograded" / student / nb.stem / nb.name
                if res["success"] and graded_nb.exists():
                    entry["status"] = "graded"
                    entry["zeroed"] = _flags(graded_nb)
                else:
                    entry["status"] = "failed"
                    entry["reason"] = (res["error"] if "wall-clock" in res["error"]
                                       else "nbgrader could not grade this file: " + _last_error(res["error"] + res["log"]))
                    entry["log"] = (res["error"] + "\n" + res["log"])[-5000:]
                    _zero_grades(course, nb.stem, student)
        for nb in notebooks:
            worker.run(600, cmd="generate_feedback", assignment=nb.stem)
        export = worker.run(300, cmd="export", to=str(submissions / "grades.csv"))
        worker.close()
        if not export["success"]:
            raise SystemExit(f"nbgrader export failed:\n{export['error']}")
        fb_out = submissions / "feedback"
        if fb_out.exists():
            shutil.rmtree(fb_out)
        for entry in log:
            s, a = entry["student"], entry["assignment"]
            (fb_out / s).mkdir(parents=True, exist_ok=True)
            src = course / "feedback" / s / a / f"{a}.html"
            if entry["status"] == "graded" and src.exists():
                shutil.copy(src, fb_out / s / f"{a}.html")
            elif entry["status"] != "missing":
                (fb_out / s / f"{a}.html").write_text(
                    _failure_html(s, a, entry["reason"], entry.get("log", "")), encoding="utf-8")
        runs = {}
        if timing_file.exists():
            for line in timing_file.read_text().splitlines():
                r = json.loads(line)
                runs[(r["student"], r["assignment"])] = r["run_seconds"]
        reports = _reports(report_file)
        for entry in log:
            key = (entry["student"], entry["assignment"])
            entry["notebook_run_seconds"] = runs.get(key)
            entry.pop("log", None)
            if key in reports.get("recheck", {}):
                entry["recheck"] = reports["recheck"][key]["items"]
                entry["recheck_seconds"] = reports["recheck"][key]["seconds"]
            if key in reports.get("audit", {}):
                entry["audit"] = reports["audit"][key]
        shutil.copy(course / "gradebook.db", submissions / "gradebook.db")
    (submissions / "grading_log.json").write_text(json.dumps(log, indent=1), encoding="utf-8")
    return log


def _flags(path: pathlib.Path) -> list[dict]:
    """The items an autograded notebook's grading set to 0, with the reasons (course_preprocessors.add_flag)."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))["metadata"].get("lstm_grader", {})
    except (ValueError, KeyError):
        return []
    return [{"item": f["item"], "reason": f["reason"]} for f in meta.get("flags", [])]


def _reports(path: pathlib.Path) -> dict:
    """kind -> (student, notebook) -> data, from the lines grading/recheck.py appended (the last one wins)."""
    out: dict = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            out.setdefault(r["kind"], {})[(r["student"], r["assignment"])] = r["data"]
    return out


def audit_lines(log: list[dict]) -> list[str]:
    """One line per student: the tamper audit's findings in all their notebooks (or none)."""
    import audit

    by_student: dict[str, list] = {}
    for e in log:
        by_student.setdefault(e["student"], [])
        by_student[e["student"]] += [dict(f, cell=f"{e['assignment']}: {f.get('cell', '')}") for f in e.get("audit", [])]
    return [f"audit {s:>20}: {audit.summary(found)}" for s, found in by_student.items()]


def _count_cells(path: pathlib.Path) -> int:
    try:
        return sum(c.get("cell_type") == "code" for c in json.loads(path.read_text(encoding="utf-8"))["cells"])
    except (ValueError, KeyError, TypeError):
        return 1


def _last_error(text: str) -> str:
    """The last 'SomethingError: message' line of a log (nbgrader's own '[ERROR] ...' lines say little)."""
    lines = [ln.strip() for ln in text.splitlines() if re.match(r"\s*[\w.]+(Error|Exception)\b.*:", ln)
             and not ln.lstrip().startswith("[") and "NbGraderException" not in ln]
    return lines[-1][:300] if lines else "unknown error (see the grader log)"


def _unreadable(path: pathlib.Path) -> str | None:
    """Why ``path`` is not a notebook nbgrader can read, or None if it is one."""
    import nbformat

    try:
        nbformat.read(str(path), as_version=4)
    except Exception as exc:  # not JSON, not a notebook, wrong encoding, ...
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
    return None


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("release", help="write the student version of every notebook with exercises")
    r.add_argument("--out", type=pathlib.Path, default=ROOT / "release")
    g = sub.add_parser("grade", help="autograde <dir>/<student>/<notebook>.ipynb, write grades.csv and feedback")
    g.add_argument("submissions", type=pathlib.Path)
    g.add_argument("--cell-timeout", type=int, default=120, help="seconds per cell (default 120)")
    args = ap.parse_args(argv)
    if args.cmd == "release":
        for path in release(args.out):
            print(f"wrote {path}")
    else:
        import sandbox

        print(sandbox.describe(), flush=True)
        log = grade(args.submissions, args.cell_timeout)
        for e in log:
            extra = f"  ({e['reason']})" if e["reason"] else ""
            zeroed = ", ".join(sorted({z["item"] for z in e.get("zeroed", [])}))
            extra += f"  [0 after grading checks: {zeroed}]" if zeroed else ""
            print(f"{e['student']:>20} {e['assignment']:<28} {e['status']:<8} {e['seconds']:6.1f} s{extra}")
        for line in audit_lines(log):
            print(line)
        print(f"wrote {args.submissions / 'grades.csv'}, {args.submissions / 'feedback'}/ and "
              f"{args.submissions / 'grading_log.json'}")


if __name__ == "__main__":
    main()
