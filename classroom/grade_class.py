"""Grade what the students submitted through the hub, with the same grading as `make grade`.

Run by an instructor in the course service (a terminal of /services/<course>/, i.e. as the grader account):

    python /opt/lstm-classroom/app/classroom/grade_class.py 04_forget_gate 07_full_lstm [--cell-timeout 120]

For each assignment:

1. lists every submission in nbgrader's inbound folder, per student, with its timestamp (a student who submits
   twice has two; nbgrader collects the latest); a submission whose folder is not owned by the student it names
   (someone submitting in another's name) is renamed .quarantine-<name> in the inbound folder, not collected;
2. `nbgrader collect --update` (nbgrader's own: the latest submission of each student -> <course>/submitted/);
3. grades them with grading/course.py (`make grade`: same nbgrader config, preprocessors and protections);
   a submission without <assignment>.ipynb (renamed) is reported and scores 0, its files stay in submitted/;
4. records the scores in the course's gradebook (<course>/gradebook.db, nbgrader's, where the due dates live:
   `nbgrader db assignment add <assignment> --duedate=...`) with the submission's timestamp, so nbgrader's
   late-submission record (seconds late) is kept; exports <course>/grades.csv and <course>/classroom_grades.json;
5. puts the feedback where nbgrader expects it (<course>/feedback/<student>/<assignment>/), ready for
   `nbgrader release_feedback <assignment>` or the Formgrader's "release feedback" button.

Nothing submitted is deleted: the inbound folder keeps every submission, submitted/ the latest one.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import pathlib
import pwd
import shutil
import subprocess
import sys
import time
import warnings

from jupyter_core.paths import jupyter_config_path
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import CsvExportPlugin
from nbgrader.utils import parse_utc
from sqlalchemy.exc import SAWarning
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

# nbgrader's Gradebook.add_submission autoflushes before adding (harmless SQLAlchemy 2 warnings)
warnings.filterwarnings("ignore", category=SAWarning)
QUARANTINE = ".quarantine-"      # prefix of forged submissions in the inbound folder (collect skips them)
APP = pathlib.Path(__file__).resolve().parent.parent
COURSE_PY = APP / "grading" / "course.py"


def load_config(course: pathlib.Path) -> Config:
    """nbgrader's configuration as the course service sees it (Jupyter config path, then the course folder)."""
    cfg = Config()
    for folder in [*reversed(jupyter_config_path()), str(course)]:
        if os.path.exists(os.path.join(folder, "nbgrader_config.py")):
            cfg.merge(PyFileConfigLoader("nbgrader_config.py", path=folder).load_config())
    return cfg


def inbound_records(inbound: pathlib.Path, assignment: str) -> list[dict]:
    out = []
    for path in sorted(inbound.glob(f"*+{assignment}+*")):
        if path.name.startswith("."):
            continue
        parts = path.name.rsplit("+", 3)
        if len(parts) < 3:
            continue
        student = parts[0]
        try:
            owner = pwd.getpwuid(path.stat().st_uid).pw_name
        except KeyError:
            owner = str(path.stat().st_uid)
        out.append({"path": path, "student": student, "owner": owner, "timestamp": parse_utc(parts[2])})
    return out


def report_inbound(course: pathlib.Path, inbound: pathlib.Path, assignment: str) -> dict[str, list[str]]:
    """Print each student's submissions; quarantine those submitted in someone else's name."""
    by_student: dict[str, list] = {}
    for rec in inbound_records(inbound, assignment):
        if rec["student"] != rec["owner"]:
            # renamed in place (the grader owns the inbound folder; moving another user's folder elsewhere is not
            # allowed): nbgrader's collect no longer matches it, nothing is deleted
            dest = inbound / f"{QUARANTINE}{rec['path'].name}"
            rec["path"].rename(dest)
            print(f"  WARNING {rec['path'].name}: claims to be from {rec['student']} but belongs to {rec['owner']}; "
                  f"not graded, renamed to {dest.name}")
            continue
        by_student.setdefault(rec["student"], []).append(rec["timestamp"])
    for student, stamps in sorted(by_student.items()):
        stamps.sort()
        note = f"{len(stamps)} submissions, the latest ({stamps[-1]}) is graded" if len(stamps) > 1 else \
            f"submitted {stamps[0]}"
        print(f"  {student}: {note}")
        if len(stamps) > 1:
            for ts in stamps:
                print(f"      {ts}{'  <- graded' if ts == stamps[-1] else '  (kept in the inbound folder)'}")
    return {s: [str(t) for t in v] for s, v in by_student.items()}


def copy_scores(graded: Gradebook, gb: Gradebook, assignment: str, student: str, timestamp) -> None:
    """The scores and comments of one graded submission into the course gradebook (nbgrader's own tables)."""
    gb.update_or_create_student(student)
    try:
        gb.remove_submission(assignment, student)
    except MissingEntry:
        pass
    gb.add_submission(assignment, student, timestamp=timestamp)
    src = graded.find_submission_notebook(assignment, assignment, student)
    for g in src.grades:
        dst = gb.find_grade(g.name, assignment, assignment, student)
        dst.auto_score, dst.manual_score, dst.extra_credit = g.auto_score, g.manual_score, g.extra_credit
        dst.needs_manual_grade = g.needs_manual_grade
    for cm in src.comments:
        dst = gb.find_comment(cm.name, assignment, assignment, student)
        dst.auto_comment, dst.manual_comment = cm.auto_comment, cm.manual_comment
    gb.db.commit()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("assignments", nargs="+")
    ap.add_argument("--course", type=pathlib.Path, default=None, help="course directory (default: nbgrader's config)")
    ap.add_argument("--cell-timeout", type=int, default=120, help="seconds per cell (default 120, as make grade)")
    args = ap.parse_args(argv)
    cfg = load_config(args.course or pathlib.Path.cwd())
    course = (args.course or pathlib.Path(cfg.CourseDirectory.get("root", os.getcwd()))).resolve()
    cfg = load_config(course)
    course_id, exchange = cfg.CourseDirectory.course_id, pathlib.Path(cfg.Exchange.root)
    inbound = exchange / course_id / "inbound"
    db_url = cfg.CourseDirectory.get("db_url") or f"sqlite:///{course / 'gradebook.db'}"   # e.g. PostgreSQL
    env = dict(os.environ, PATH=f"{os.path.dirname(sys.executable)}:{os.environ.get('PATH', '/usr/bin:/bin')}")
    run_dir = course / "grading" / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    run_dir.mkdir(parents=True)
    collected: dict[tuple[str, str], dict] = {}
    with Gradebook(db_url, course_id) as gb:
        for a in args.assignments:
            try:
                gb.find_assignment(a)
            except MissingEntry:
                raise SystemExit(f"{a}: not in the course gradebook; generate and release it first (Formgrader)")
    for a in args.assignments:
        print(f"== {a}: submissions in {inbound}")
        stamps = report_inbound(course, inbound, a)
        res = subprocess.run(["nbgrader", "collect", "--update", a], cwd=course, env=env, capture_output=True,
                             text=True)
        print("  " + "\n  ".join(ln for ln in (res.stdout + res.stderr).splitlines() if ln.strip()))
        if res.returncode:
            raise SystemExit(f"nbgrader collect {a} failed")
        for folder in sorted(glob.glob(str(course / "submitted" / "*" / a))):
            folder = pathlib.Path(folder)
            student = folder.parent.name
            ts_file = folder / "timestamp.txt"
            entry = {"timestamp": str(parse_utc(ts_file.read_text().strip())) if ts_file.exists() else None,
                     "submissions": stamps.get(student, []), "folder": folder}
            collected[(student, a)] = entry
            nb = folder / f"{a}.ipynb"
            if nb.exists():
                (run_dir / student).mkdir(exist_ok=True)
                shutil.copy(nb, run_dir / student / nb.name)
            else:
                found = sorted(p.name for p in folder.glob("*.ipynb"))
                entry["reason"] = (f"submitted {', '.join(found) or 'no notebook'} instead of {a}.ipynb "
                                   f"(renamed?): not graded, kept in {folder}")
                print(f"  {student}: {entry['reason']}")
    if not any((run_dir / s).is_dir() for s, _ in collected):
        print("nothing to grade")
        return 0
    print(f"== grading with {COURSE_PY.relative_to(APP)} (as make grade) in {run_dir}")
    t0 = time.time()
    res = subprocess.run([sys.executable, str(COURSE_PY), "grade", str(run_dir),
                          "--cell-timeout", str(args.cell_timeout)], env=env, capture_output=True, text=True)
    print("  " + "\n  ".join(ln for ln in (res.stdout + res.stderr).splitlines()
                             if ln.strip() and " missing " not in ln))
    if res.returncode:
        raise SystemExit("grading/course.py grade failed")
    print(f"  graded in {time.time() - t0:.0f} s")
    log = {(e["student"], e["assignment"]): e for e in json.loads((run_dir / "grading_log.json").read_text())}
    summary = []
    with Gradebook(f"sqlite:///{run_dir / 'gradebook.db'}") as graded, Gradebook(db_url, course_id) as gb:
        for (student, a), entry in sorted(collected.items()):
            status = log.get((student, a), {})
            row = {"student": student, "assignment": a, "timestamp": entry["timestamp"],
                   "submissions": entry["submissions"], "status": status.get("status", "missing"),
                   "reason": entry.get("reason") or status.get("reason", ""), "items": {}}
            if row["status"] == "missing":
                summary.append(row)
                continue
            ts = parse_utc(entry["timestamp"]) if entry["timestamp"] else None
            copy_scores(graded, gb, a, student, ts)
            sub = gb.find_submission(a, student)
            row.update(score=sub.score, max_score=sub.max_score, late_seconds=sub.total_seconds_late,
                       duedate=str(sub.duedate) if sub.duedate else None)
            for g in gb.find_submission_notebook(a, a, student).grades:
                row["items"][g.name.removesuffix("_tests")] = {"score": g.score, "max_score": g.max_score}
            fb_dir = course / "feedback" / student / a
            shutil.rmtree(fb_dir, ignore_errors=True)
            fb_dir.mkdir(parents=True)
            src = run_dir / "feedback" / student / f"{a}.html"
            if src.exists():
                shutil.copy(src, fb_dir / f"{a}.html")
                for name in ("timestamp.txt", "submission_secret.txt"):
                    if (entry["folder"] / name).exists():
                        shutil.copy(entry["folder"] / name, fb_dir / name)
            summary.append(row)
        CsvExportPlugin(to=str(course / "grades.csv")).export(gb)
    (course / "classroom_grades.json").write_text(json.dumps(summary, indent=1, default=str), encoding="utf-8")
    print(f"== scores (course gradebook {db_url})")
    for row in summary:
        items = ", ".join(f"{k} {v['score']:g}/{v['max_score']:g}" for k, v in row["items"].items())
        late = row.get("late_seconds") or 0
        when = f"LATE by {late:.0f} s (due {row['duedate']})" if late > 0 else "on time"
        total = f"{row['score']:g}/{row['max_score']:g}" if "score" in row else "-"
        print(f"  {row['student']:>16} {row['assignment']:<22} {total:>7}  {items}  [{row['status']}, {when}]"
              + (f"  {row['reason']}" if row["reason"] else ""))
    print(f"wrote {course / 'grades.csv'}, {course / 'classroom_grades.json'}; feedback in {course / 'feedback'}/ "
          f"(release: nbgrader release_feedback <assignment>, or the Formgrader)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
