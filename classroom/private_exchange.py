"""nbgrader's default exchange with private permissions (classroom/classroom.py selects these classes in the
nbgrader_config.py of every server through c.ExchangeFactory).

nbgrader 0.9.6 hides a submission in the inbound folder only by its name (the folder is not listable, but
the files in it are 0444: whoever learns the name reads them), and released feedback likewise by its hashed
name (the feedback folder is 0711, the files 0644). Here:

* PrivateSubmit: a submission (inbound/<student>+<assignment>+<timestamp>+<random>/) is readable by its
  owner and by the group of the inbound folder, the grader account's group (the inbound folder is setgid, so
  every submission inherits that group); nobody else can read it, even knowing its name.
* PrivateReleaseAssignment: the inbound folder also gets the sticky bit, so that nobody but a submission's
  owner and the grader can rename or delete it (nbgrader's 2733 lets any student who knows a name do so).
* PrivateReleaseFeedback: each released feedback file is readable by the grader and, through an ACL entry
  (setfacl), by its own student only (the folder stays 0711: reachable by name, not listable).
"""
from __future__ import annotations

import glob
import os
import re
import secrets
import shutil
import stat
import subprocess

from nbgrader.exchange.default.release_assignment import ExchangeReleaseAssignment
from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback
from nbgrader.exchange.default.submit import ExchangeSubmit
from nbgrader.utils import notebook_hash


class PrivateSubmit(ExchangeSubmit):

    def do_copy(self, src, dest, log=None):
        super().do_copy(src, dest, log=log)
        if os.path.dirname(os.path.abspath(dest)) != os.path.abspath(self.inbound_path):
            return                                       # the student's own cache copy
        # copytree ends by copying the mode of the student's folder onto dest, which drops its setgid bit, so
        # timestamp.txt and submission_secret.txt (written next) would get the student's group: move the
        # copied files into a fresh folder made in the setgid inbound folder (the grader's group, setgid).
        fresh = os.path.join(self.inbound_path, ".tmp-" + secrets.token_hex(8))
        os.mkdir(fresh)
        for name in os.listdir(dest):
            os.rename(os.path.join(dest, name), os.path.join(fresh, name))
        os.rmdir(dest)
        os.rename(fresh, dest)

    def copy_files(self):
        super().copy_files()
        dest = os.path.join(self.inbound_path, self.assignment_filename)
        # files: owner and grader group read; folders: owner and grader group (inherited from the setgid inbound)
        self.set_perms(dest, fileperms=0o440, dirperms=0o750)
        os.chmod(dest, 0o770)                            # the grader account may remove the folder later


class PrivateReleaseAssignment(ExchangeReleaseAssignment):

    def init_dest(self):
        super().init_dest()
        os.chmod(self.inbound_path, stat.S_IMODE(os.stat(self.inbound_path).st_mode) | stat.S_ISVTX)


class PrivateReleaseFeedback(ExchangeReleaseFeedback):

    def copy_files(self):
        super().copy_files()
        os.chmod(self.dest_path, 0o711)                  # reachable by name, not listable
        setfacl = shutil.which("setfacl")
        pattern = os.path.join(self.src_path, "*.html")
        regexp = re.escape(os.path.sep).join([
            self.coursedir.format_path(self.coursedir.feedback_directory, "(?P<student_id>.*)",
                                       self.coursedir.assignment_id, escape=True),
            "(?P<notebook_id>.*).html"])
        for html_file in glob.glob(pattern):
            m = re.match(regexp, html_file)
            if m is None:
                continue
            with open(os.path.join(os.path.dirname(html_file), "submission_secret.txt")) as fh:
                secret = fh.read()
            checksum = notebook_hash(secret=secret, notebook_id=m["notebook_id"])
            released = os.path.join(self.dest_path, f"{checksum}.html")
            if not os.path.exists(released):
                continue
            if setfacl is None:
                self.log.warning("setfacl not found: released feedback stays readable by anyone who knows its name")
                continue
            os.chmod(released, 0o640)
            subprocess.run([setfacl, "-m", f"u:{m['student_id']}:r", released], check=True)
