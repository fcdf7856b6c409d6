"""Add the students of a CSV roster to the classroom (run as root; idempotent).

    python3 classroom/roster.py students.csv            # validate, then create what is missing
    python3 classroom/roster.py students.csv --check    # validate only

The roster has a header line; `username` is required, `first_name`, `last_name`, `email` are optional:

    username,first_name,last_name,email
    alice,Alice,Martin,alice@example.org

A user name is a Linux account name and an nbgrader student id: 1-32 characters, lower-case letters, digits,
'_' and '-', starting with a letter or '_' (no '+': nbgrader separates the parts of a submission's name with
it). Every problem is reported with its line number, and nothing is created unless the whole roster is valid.

For each student: a system user with a private home (0700) and ~/data -> the course data, a random initial
password for a new user (written to <state>/hub/initial-passwords.csv, root only: hand them out, students
change theirs with `passwd` in a JupyterLab terminal), the student in the course gradebook (`nbgrader db
student import`) and in the hub's allowed users. Existing users are left as they are (password included).
Restart the hub (`make classroom`) for new students to be able to log in.
"""
from __future__ import annotations

import argparse
import csv
import os
import pathlib
import pwd
import re
import secrets
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from classroom import Classroom, add_students, create_user, log, user_exists  # noqa: E402

NAME = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
RUNUSER = shutil.which("runuser") or "/usr/sbin/runuser"
COLUMNS = ("username", "first_name", "last_name", "email")


def read_roster(path: pathlib.Path) -> tuple[list[dict], list[str]]:
    """(students, errors); each error names its line."""
    errors, students, seen = [], [], {}
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [f"{path}: cannot read the roster ({exc})"]
    rows = list(csv.reader(text.splitlines()))
    if not rows or [h.strip().lower() for h in rows[0]][:1] != ["username"]:
        return [], [f"{path}, line 1: the header must start with 'username' (columns: {', '.join(COLUMNS)})"]
    header = [h.strip().lower() for h in rows[0]]
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        errors.append(f"{path}, line 1: unknown column(s) {', '.join(unknown)} (columns: {', '.join(COLUMNS)})")
    for lineno, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            errors.append(f"{path}, line {lineno}: {len(row)} fields but the header has {len(header)}")
            continue
        rec = {h: (row[k].strip() if k < len(row) else "") for k, h in enumerate(header)}
        name = rec["username"]
        if not NAME.match(name):
            errors.append(f"{path}, line {lineno}: invalid user name {name!r}: use 1-32 lower-case letters, digits, "
                          "'_' or '-', starting with a letter or '_'")
            continue
        if name in seen:
            errors.append(f"{path}, line {lineno}: duplicate user name {name!r} (first on line {seen[name]})")
            continue
        seen[name] = lineno
        if user_exists(name) and pwd.getpwnam(name).pw_uid < 1000:
            errors.append(f"{path}, line {lineno}: {name!r} is a system account (uid < 1000), not a student")
            continue
        if rec.get("email") and "@" not in rec["email"]:
            errors.append(f"{path}, line {lineno}: invalid email {rec['email']!r}")
            continue
        students.append(rec)
    return students, errors


def apply(cr: Classroom, students: list[dict]) -> list[str]:
    """Create what is missing; returns the names created now."""
    created = []
    cr.hub_dir.mkdir(parents=True, exist_ok=True)
    cr.hub_dir.chmod(0o700)
    passwords = cr.hub_dir / "initial-passwords.csv"
    for rec in students:
        name = rec["username"]
        password = secrets.token_urlsafe(9)
        if create_user(name, password=password, data_link=cr.app / "data"):
            created.append(name)
            new = not passwords.exists()
            with open(os.open(passwords, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "a") as fh:
                if new:
                    fh.write("username,initial_password\n")
                fh.write(f"{name},{password}\n")
            log(f"created {name}")
        else:
            log(f"{name} exists: left as it is")
    add_students(cr, [r["username"] for r in students])
    if user_exists(cr.grader) and (cr.course_dir / "source").is_dir():
        env = dict(os.environ, PATH=f"{cr.venv}/bin:/usr/bin:/bin", JUPYTER_CONFIG_PATH=str(cr.grader_config),
                   HOME=pwd.getpwnam(cr.grader).pw_dir)
        # nbgrader's own import (id, first_name, last_name, email): one call for the whole roster, idempotent
        table = cr.course_dir / ".roster-import.csv"
        with open(table, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["id", "first_name", "last_name", "email"])
            for rec in students:
                w.writerow([rec["username"], rec.get("first_name", ""), rec.get("last_name", ""), rec.get("email", "")])
        table.chmod(0o644)
        res = subprocess.run([RUNUSER, "-u", cr.grader, "--", f"{cr.venv}/bin/nbgrader", "db", "student", "import",
                              str(table)], cwd=cr.course_dir, env=env, capture_output=True, text=True)
        table.unlink()
        if res.returncode:
            log(f"nbgrader db student import failed: {(res.stdout + res.stderr).strip()[-500:]}")
        else:
            log(f"{len(students)} students in the course gradebook (nbgrader db student import)")
    else:
        log("the course is not set up yet (make classroom): students go into the gradebook when they submit")
    return created


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("roster", type=pathlib.Path)
    ap.add_argument("--check", action="store_true", help="validate only")
    args = ap.parse_args(argv)
    students, errors = read_roster(args.roster)
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        print(f"{len(errors)} problem(s): nothing was changed", file=sys.stderr)
        return 1
    print(f"{args.roster}: {len(students)} students, valid")
    if args.check:
        return 0
    if os.geteuid() != 0:
        print("run as root to create the users", file=sys.stderr)
        return 1
    cr = Classroom()
    created = apply(cr, students)
    print(f"{len(created)} created, {len(students) - len(created)} already there; "
          f"initial passwords: {cr.hub_dir / 'initial-passwords.csv'}; restart the hub (make classroom) to admit them")
    return 0


if __name__ == "__main__":
    sys.exit(main())
