"""A grading worker: imports nbgrader once, then runs the jobs it reads from stdin (one JSON object a
line) in the course directory given as argv[1], answering one JSON line per job on stdout.

Jobs: {"cmd": "generate_assignment" | "autograde" | "generate_feedback" | "export", ...}.
grading/course.py starts it in its own process group and kills it (and the kernel it runs) when a job
exceeds its wall-clock limit, then starts a fresh worker for the remaining jobs.
"""
from __future__ import annotations

import json
import os
import sys
import time
import traceback


def main() -> None:
    course = os.path.abspath(sys.argv[1])
    os.chdir(course)
    # Answers go to a private copy of stdout; fd 1 itself (inherited by kernels, which may print at the
    # file-descriptor level) becomes stderr, so nothing a submission prints can garble an answer.
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.plugins import CsvExportPlugin
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=course).load_config()
    coursedir = CourseDirectory(config=config)
    coursedir.root = course
    api = NbGraderAPI(coursedir, config=config)
    print(json.dumps({"ready": True}), file=out, flush=True)
    for line in sys.stdin:
        job = json.loads(line)
        t0 = time.perf_counter()
        try:
            cmd = job["cmd"]
            if cmd == "generate_assignment":
                res = api.generate_assignment(job["assignment"], force=True, create=True)
            elif cmd == "autograde":
                import recheck                          # the re-check servers start while the kernel runs
                recheck.pool()
                res = api.autograde(job["assignment"], job["student"], force=True, create=True)
            elif cmd == "generate_feedback":
                res = api.generate_feedback(job["assignment"], job.get("student"), force=True)
            elif cmd == "export":
                with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
                    CsvExportPlugin(to=job["to"]).export(gb)
                res = {"success": True}
            else:
                res = {"success": False, "error": f"unknown command {cmd!r}"}
        except Exception:
            res = {"success": False, "error": traceback.format_exc()}
        res = {"success": bool(res.get("success")), "error": res.get("error") or "", "log": (res.get("log") or "")[-20000:],
               "seconds": time.perf_counter() - t0}
        print(json.dumps(res), file=out, flush=True)


if __name__ == "__main__":
    main()
