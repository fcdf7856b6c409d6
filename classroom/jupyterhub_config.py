"""JupyterHub configuration of the classroom. classroom/classroom.py writes the settings (ports, users, paths)
to $LSTM_CLASSROOM_SETTINGS (<state>/hub/settings.json) and starts `jupyterhub -f` this file.

* local system users, each server started as that user by the default LocalProcessSpawner;
* PAM login (the users' system passwords); allowed_users = instructors + students; instructors are admins;
* the nbgrader course service as nbgrader's docs set it for JupyterHub ("One Class, Multiple Graders"): a
  shared Jupyter server running as the grader account, named after the course id, reached by the members of
  the group formgrade-<course>; students need no group, the course id is fixed in their nbgrader_config.py.
"""
import json
import os

s = json.load(open(os.environ["LSTM_CLASSROOM_SETTINGS"], encoding="utf-8"))
course, hub_dir, venv_bin = s["course"], s["hub_dir"], os.path.join(s["venv"], "bin")
PATH = f"{venv_bin}:/usr/local/bin:/usr/bin:/bin"
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}  # as `make` runs notebooks

c = get_config()  # noqa: F821

c.JupyterHub.bind_url = f"http://{s['ip']}:{s['port']}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{s['hub_port']}"
c.ConfigurableHTTPProxy.command = [s["proxy"]]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{s['proxy_api_port']}"
c.ConfigurableHTTPProxy.pid_file = os.path.join(hub_dir, "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{os.path.join(hub_dir, 'jupyterhub.sqlite')}"
c.JupyterHub.cookie_secret_file = os.path.join(hub_dir, "jupyterhub_cookie_secret")   # the hub creates it 0600
c.JupyterHub.pid_file = os.path.join(hub_dir, "jupyterhub.pid")

c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False
c.Authenticator.allowed_users = set(s["instructors"]) | set(s["students"])
c.Authenticator.admin_users = set(s["instructors"])

c.Spawner.cmd = [os.path.join(venv_bin, "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.environment = {"PATH": PATH, "JUPYTER_CONFIG_PATH": s["student_config"], **ONE_THREAD}
c.Spawner.http_timeout = 60
c.Spawner.start_timeout = 120

# nbgrader's course service (nbgrader demos/demo_one_class_multiple_graders): the group must start with
# "formgrade-", the service must carry the course id.
group = f"formgrade-{course}"
c.JupyterHub.load_groups = {group: {"users": sorted(s["instructors"])}}
c.JupyterHub.load_roles = [
    {"name": group, "groups": [group],
     "scopes": [f"access:services!service={course}", "list:services", f"read:services!service={course}"]},
    # nbgrader's course_list extension lists the courses through the server's token
    {"name": "server", "scopes": ["inherit"]},
]
c.JupyterHub.services = [{
    "name": course,
    "url": f"http://127.0.0.1:{s['service_port']}",
    "command": [os.path.join(venv_bin, "jupyterhub-singleuser"), f"--ServerApp.root_dir={s['grader_home']}"],
    "user": s["grader"],
    "cwd": s["grader_home"],
    "environment": {"PATH": PATH, "JUPYTER_CONFIG_PATH": s["grader_config"], "JUPYTERHUB_DEFAULT_URL": "/lab",
                    **ONE_THREAD},
    "oauth_no_confirm": True,
}]
