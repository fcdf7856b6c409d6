"""Tamper audit: what in a cell's code could fool the tests, reach outside the notebook or end the kernel.

:func:`audit_source` scans one cell on its syntax tree (``ast``; IPython magics and shell escapes are
read first, line by line) and, for a cell that does not parse, with a textual fallback. Each finding is
a dict ``{"kind", "line", "detail", "code"}``; ``kind`` is a key of :data:`KINDS`. Findings are evidence
for the instructor (grading_log.json, the summary ``make grade`` prints), never a score: the isolated
re-check decides whether an answer is right.
"""
from __future__ import annotations

import ast
import builtins
import re

KINDS = {
    "monkeypatch": "changes an attribute of a module, class or function it did not define (monkeypatching)",
    "builtins": "replaces or shadows a builtin",
    "ipython": "uses the IPython shell (input transformers, events, hooks, its namespace)",
    "exit": "ends or signals the process or kernel",
    "file": "reads, writes or lists files",
    "network": "uses the network",
    "subprocess": "starts processes or shell commands",
    "environment": "reads or changes environment variables",
    "dynamic_code": "runs code built at run time",
    "introspection": "reaches into the interpreter (gc, frames, code objects, sys.modules, inspect, ctypes)",
    "engine": "uses an engine function that computes an exercise's answer (the answer the tests compare with)",
}
# names the notebooks' setup cells import (a cell assigning to their attributes patches a module)
KNOWN = {"np": "numpy", "numpy": "numpy", "lh": "lstm_helpers", "lstm_helpers": "lstm_helpers",
         "plt": "matplotlib.pyplot", "matplotlib": "matplotlib", "ts": "lstm_helpers.toy_sentences",
         "cg": "lstm_helpers.lessons.context_gates", "od": "lstm_helpers.lessons.output_design",
         "ag": "lstm_helpers.agreement", "math": "math", "os": "os", "sys": "sys", "IPython": "IPython",
         "inspect": "inspect", "display": "IPython.display.display"}
ENGINE = ("lstm_helpers.gates.", "lstm_helpers.slides.", "lstm_helpers.bptt.", "lstm_helpers.selfcheck.",
          "lstm_helpers.engine.lstm.", "lstm_helpers.engine.rnn.", "lstm_helpers.engine.gradflow.",
          "lstm_helpers.rnn_jacobian_norms", "lstm_helpers.lstm_forward", "lstm_helpers.lstm_backward",
          "lstm_helpers.rnn_forward", "lstm_helpers.gradflow.", "lstm_helpers.lstm_hidden_jacobian_norms",
          "lstm_helpers.lstm_cell_jacobian_norms", "lstm_helpers.state_jacobian")
BUILTIN_NAMES = {n for n in dir(builtins) if not n.startswith("_")} - {"copyright", "credits", "license"}

# qualified names (after import aliases are resolved): exact names, and prefixes ending in "."
CALLS = {
    "exit": {"os._exit", "sys.exit", "exit", "quit", "os.kill", "os.killpg", "os.abort", "signal.", "_thread.",
             "os.abort"},
    "file": {"open", "io.open", "os.open", "pathlib.", "os.remove", "os.unlink", "os.rename", "os.replace",
             "os.listdir", "os.scandir", "os.walk", "os.makedirs", "os.mkdir", "os.rmdir", "os.chdir", "os.chmod",
             "os.chown", "os.symlink", "os.link", "os.truncate", "os.path.exists", "os.path.isfile",
             "os.path.isdir", "os.path.getsize", "shutil.", "glob.", "tempfile.", "numpy.load", "numpy.save",
             "numpy.savez", "numpy.savez_compressed", "numpy.loadtxt", "numpy.savetxt", "numpy.genfromtxt",
             "numpy.fromfile", "numpy.memmap", "fileinput.", "zipfile.", "tarfile.", "sqlite3.", "pickle.load",
             "pickle.dump", "json.load", "json.dump"},
    "network": {"socket.", "urllib.", "http.", "requests.", "ftplib.", "smtplib.", "ssl.", "telnetlib.",
                "xmlrpc.", "asyncio.open_connection", "webbrowser."},
    "subprocess": {"subprocess.", "os.system", "os.popen", "os.fork", "os.forkpty", "os.exec", "os.spawn",
                   "os.posix_spawn", "pty.", "multiprocessing.", "concurrent.futures.ProcessPoolExecutor"},
    "environment": {"os.getenv", "os.putenv", "os.unsetenv", "os.environ", "os.getenvb"},
    "dynamic_code": {"exec", "eval", "compile", "__import__", "importlib.", "runpy.", "types.FunctionType",
                     "types.CodeType"},
    "introspection": {"gc.", "sys._getframe", "sys.modules", "sys.settrace", "sys.setprofile", "inspect.",
                      "ctypes.", "globals", "locals", "vars", "sys.meta_path", "sys.path_hooks"},
}
IMPORTS = {"network": ("socket", "urllib", "http", "requests", "ftplib", "smtplib", "ssl", "telnetlib"),
           "subprocess": ("subprocess", "pty", "multiprocessing"),
           "introspection": ("ctypes", "gc"), "dynamic_code": ("importlib", "runpy"), "builtins": ("builtins",),
           "file": ("shutil", "pathlib", "glob", "tempfile")}
DUNDERS = {"__code__": "introspection", "__globals__": "introspection", "__closure__": "introspection",
           "__subclasses__": "introspection", "__builtins__": "builtins", "__dict__": "introspection"}
IPYTHON_ATTRS = {"input_transformers_post", "input_transformers_cleanup", "ast_transformers", "events",
                 "register_magic_function", "set_custom_exc", "user_ns", "user_global_ns", "run_cell",
                 "showtraceback", "set_hook", "run_line_magic", "run_cell_magic", "system", "getoutput"}
MAGICS = {"subprocess": ("%%bash", "%%sh", "%%script", "%%system", "%%!", "%sx", "%system", "%%perl", "%%ruby"),
          "file": ("%%writefile", "%%file", "%load", "%run", "%save", "%store", "%%html"),
          "environment": ("%env", "%set_env"),
          "ipython": ("%config", "%load_ext", "%autoreload", "%alias", "%rerun", "%recall", "%macro")}
TEXTUAL = {     # a cell that does not parse: plain patterns
    "monkeypatch": r"\b(np|numpy|lh|lstm_helpers|math|IPython)(\.\w+)+\s*=[^=]|\bsetattr\s*\(|\bdelattr\s*\(",
    "builtins": r"__builtins__|\bimport\s+builtins|\bbuiltins\.",
    "ipython": r"get_ipython|input_transformers|ast_transformers",
    "exit": r"\bos\._exit\b|\bsys\.exit\b|\bSystemExit\b|\bos\.kill\b|^\s*(exit|quit)\s*\(",
    "file": r"\bopen\s*\(|\bpathlib\b|\bPath\s*\(|\bshutil\b|\bos\.(remove|unlink|listdir|walk|scandir|rename)\b",
    "network": r"\bsocket\b|\burllib\b|\brequests\b|\bhttp\.client\b",
    "subprocess": r"\bsubprocess\b|\bos\.(system|popen|fork|exec\w*|spawn\w*)\b|^\s*!",
    "environment": r"\bos\.environ\b|\bgetenv\b",
    "dynamic_code": r"\b(exec|eval|compile|__import__)\s*\(|\bimportlib\b",
    "introspection": r"\bgc\.|\bsys\.modules\b|\b_getframe\b|\binspect\.|\bctypes\b|__code__|__globals__",
}


def _match(qual: str, names: set[str]) -> bool:
    return qual in names or any(n.endswith(".") and qual.startswith(n) for n in names) or \
        any(n in ("os.exec", "os.spawn", "os.posix_spawn") and qual.startswith(n) for n in names)


class _Visitor(ast.NodeVisitor):
    def __init__(self, lines: list[str], bound: set[str]):
        self.lines, self.found, self.aliases, self.depth, self.bound = lines, [], {}, 0, bound

    def add(self, kind: str, node, detail: str) -> None:
        line = getattr(node, "lineno", 0)
        code = self.lines[line - 1].strip()[:160] if 0 < line <= len(self.lines) else ""
        self.found.append({"kind": kind, "line": line, "detail": detail, "code": code})

    def qual(self, node) -> str | None:
        """'numpy.allclose' for np.allclose (import aliases resolved), 'get_ipython()' for a call of it."""
        if isinstance(node, ast.Name):
            if node.id in self.aliases:
                return self.aliases[node.id]
            return node.id if node.id in self.bound else KNOWN.get(node.id, node.id)
        if isinstance(node, ast.Attribute):
            base = self.qual(node.value)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call):
            base = self.qual(node.func)
            return f"{base}()" if base else None
        if isinstance(node, ast.Subscript):
            base = self.qual(node.value)
            return f"{base}[]" if base else None
        return None

    def root(self, node):
        while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
            node = node.value if not isinstance(node, ast.Call) else node.func
        return node

    # imports ------------------------------------------------------------------------------------
    def visit_Import(self, node):
        for a in node.names:
            self.aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
            self._import(node, a.name)
            if self.depth == 0 and (a.asname or "") in BUILTIN_NAMES:
                self.add("builtins", node, f"import shadows the builtin {a.asname}")

    def visit_ImportFrom(self, node):
        mod = node.module or ""
        for a in node.names:
            self.aliases[a.asname or a.name] = f"{mod}.{a.name}" if mod else a.name
            self._import(node, mod)
            full = f"{mod}.{a.name}"
            self._engine(node, full if full.startswith(ENGINE) else f"{full}.")
            for kind, names in CALLS.items():
                if _match(full, names) and kind != "file":
                    self.add(kind, node, f"imports {full}")
            if self.depth == 0 and (a.asname or a.name) in BUILTIN_NAMES:
                self.add("builtins", node, f"import shadows the builtin {a.asname or a.name}")

    def _import(self, node, name: str) -> None:
        top = name.split(".")[0]
        for kind, mods in IMPORTS.items():
            if top in mods:
                self.add(kind, node, f"imports {name}")

    # assignments --------------------------------------------------------------------------------
    def _target(self, t, node, verb="assigns"):
        if isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                self._target(e, node, verb)
            return
        if isinstance(t, ast.Starred):
            self._target(t.value, node, verb)
            return
        if isinstance(t, ast.Name):
            if self.depth == 0 and t.id in BUILTIN_NAMES:
                self.add("builtins", node, f"{verb} the builtin name {t.id}")
            if t.id == "__builtins__":
                self.add("builtins", node, f"{verb} __builtins__")
            return
        q = self.qual(t)
        root = self.root(t)
        foreign = isinstance(root, ast.Name) and (root.id in self.aliases or root.id not in self.bound)
        if foreign:
            kind = "builtins" if (q or "").startswith(("builtins", "__builtins__")) else "monkeypatch"
            self.add(kind, node, f"{verb} {q}")
        elif isinstance(root, ast.Call) or (q or "").startswith(("globals()", "vars(", "get_ipython()")):
            self.add("monkeypatch", node, f"{verb} {q or 'an attribute of a call result'}")
        elif isinstance(t, ast.Attribute) and t.attr.startswith("__") and t.attr.endswith("__"):
            self.add("monkeypatch", node, f"{verb} the special attribute {t.attr}")

    def visit_Assign(self, node):
        for t in node.targets:
            self._target(t, node)
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        self._target(node.target, node)
        self.generic_visit(node)

    def visit_AnnAssign(self, node):
        self._target(node.target, node)
        self.generic_visit(node)

    def visit_Delete(self, node):
        for t in node.targets:
            self._target(t, node, "deletes")
        self.generic_visit(node)

    def _scope(self, node):
        if self.depth == 0 and node.name in BUILTIN_NAMES:
            self.add("builtins", node, f"defines {node.name}, shadowing the builtin")
        for d in getattr(node, "decorator_list", []):
            self.visit(d)
        self.depth += 1
        for child in node.body:
            self.visit(child)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scope

    # uses ---------------------------------------------------------------------------------------
    def visit_Call(self, node):
        q = self.qual(node.func)
        if q in ("setattr", "delattr"):
            target = self.qual(node.args[0]) if node.args else None
            self.add("monkeypatch", node, f"{q}({target or '...'}, ...)")
        elif q:
            for kind, names in CALLS.items():
                if _match(q, names):
                    self.add(kind, node, f"calls {q}")
                    break
        self.generic_visit(node)

    def _engine(self, node, q) -> None:
        if q and q.startswith(ENGINE) and not q.endswith(("check_forget_gate", "CheckResult")):
            self.add("engine", node, f"uses {q}")

    def visit_Attribute(self, node):
        q = self.qual(node)
        if isinstance(node.ctx, ast.Load) and not isinstance(getattr(node, "_parent", None), ast.Attribute):
            self._engine(node, q)
        if node.attr in DUNDERS:
            self.add(DUNDERS[node.attr], node, f"uses {q or node.attr}")
        elif node.attr in IPYTHON_ATTRS and q and "get_ipython" in q:
            self.add("ipython", node, f"uses {q}")
        elif q in ("os.environ", "sys.modules", "sys.meta_path", "sys.path_hooks") and isinstance(node.ctx, ast.Load):
            self.add("environment" if q == "os.environ" else "introspection", node, f"uses {q}")
        self.generic_visit(node)

    def visit_Name(self, node):
        if node.id == "get_ipython":
            self.add("ipython", node, "uses get_ipython()")
        elif node.id in ("__builtins__", "__IPYTHON__"):
            self.add("builtins" if node.id == "__builtins__" else "ipython", node, f"uses {node.id}")
        self.generic_visit(node)

    def visit_Raise(self, node):
        exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        if exc is not None and self.qual(exc) in ("SystemExit", "KeyboardInterrupt", "builtins.SystemExit"):
            self.add("exit", node, f"raises {self.qual(exc)}")
        self.generic_visit(node)


def _magics(lines: list[str]) -> tuple[list[str], list[dict]]:
    """Findings of IPython magics and shell escapes; the lines with those replaced by ``pass``."""
    out, found = [], []
    for k, line in enumerate(lines, start=1):
        s = line.lstrip()
        if s.startswith("!") or (s.startswith("%") and not s.startswith("%%") and "!" in s.split()[0]):
            found.append({"kind": "subprocess", "line": k, "detail": "shell escape", "code": s[:160]})
        elif s.startswith("%"):
            word = s.split()[0] if s.split() else s
            for kind, names in MAGICS.items():
                if word in names:
                    found.append({"kind": kind, "line": k, "detail": f"magic {word}", "code": s[:160]})
        if s.startswith(("!", "%")):
            out.append(line[:len(line) - len(s)] + "pass")
        else:
            out.append(line)
    return out, found


def audit_source(src: str) -> list[dict]:
    """Findings for one cell's source (see the module docstring)."""
    lines = src.split("\n")
    code, found = _magics(lines)
    try:
        tree = ast.parse("\n".join(code))
    except SyntaxError:
        for k, line in enumerate(lines, start=1):
            for kind, pattern in TEXTUAL.items():
                if re.search(pattern, line):
                    found.append({"kind": kind, "line": k, "detail": "text match (the cell does not parse)",
                                  "code": line.strip()[:160]})
        return _unique(found)
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            child._parent = parent
    v = _Visitor(lines, _bound_names(tree))
    v.visit(tree)
    return _unique(found + v.found)


def _bound_names(tree) -> set[str]:
    """Names the cell binds itself (assignments, loops, with/except targets, defs, classes, arguments);
    imports are tracked separately as aliases."""
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return bound


def _unique(found: list[dict]) -> list[dict]:
    seen, out = set(), []
    for f in sorted(found, key=lambda f: (f["line"], f["kind"], f["detail"])):
        key = (f["kind"], f["line"], f["detail"])
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def summary(findings: list[dict]) -> str:
    """'3 findings: monkeypatch (answer cell forget_gate, line 4: assigns numpy.allclose), ...' or 'no findings'."""
    if not findings:
        return "no findings"
    parts = [f"{f['kind']} ({f.get('cell', 'cell')}, line {f['line']}: {f['detail']})" for f in findings]
    shown = "; ".join(parts[:6]) + (f"; … {len(parts) - 6} more" if len(parts) > 6 else "")
    return f"{len(findings)} finding{'s' if len(findings) != 1 else ''}: {shown}"
