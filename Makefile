# Two commands from a fresh clone:  `make lab`  and  `make test`.
# Everything is installed into .venv from the pinned requirements (constraints.txt pins
# every transitive package, so stored notebook outputs reproduce).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# JupyterLab defaults for the course (no news popup, no update check): see jupyterlab-settings/README.md
LAB_SETTINGS := jupyterlab-settings/overrides.json
# Use both cores; notebooks of one file stay on one worker (nbval needs them in order).
PYTEST_ARGS ?= -n 2 --dist loadfile
LAB_ARGS ?=
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
# One BLAS thread per process: the matrices here are small, two nbval workers share two cores
# (threaded OpenBLAS then spins and runs up to 30x slower), and a fixed thread count keeps
# floating-point summation order, hence stored outputs, identical from run to run.
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1
export MKL_NUM_THREADS := 1

.PHONY: help lab test unit nbval execute bench bench-check verdicts claims slides slides-meta data clean-venv

help:
	@echo "make lab          - install (first time) and open JupyterLab on notebooks/"
	@echo "make test         - install/update, then every test: unit tests (slow ones too), nbval (strict) on"
	@echo "                    every notebook on the reference platform, verdicts only elsewhere (its first line"
	@echo "                    says which), then the widget latency table (printed, not enforced)"
	@echo "make unit         - unit tests without the slow ones (browser, grading batch): under 2 minutes"
	@echo "make nbval        - notebooks only"
	@echo "make execute NB=notebooks/X.ipynb - run a notebook in a fresh kernel, store outputs"
	@echo "make data         - regenerate data/ from lstm_helpers (fixed seeds)"
	@echo "make bench        - speed benchmarks (see benchmarks/README.md)"
	@echo "make bench-check  - widget redraw latency; fails if a widget is over its 100 ms budget (CI runs it)"
	@echo "make verdicts     - run the notebooks under other BLAS kernels (Sandybridge, Prescott): every verdict as stored"
	@echo "make claims       - run the claims ledger (every statement of the slides, measured) and compare its verdicts"
	@echo "                    with notebook 12's stored table; OPENBLAS_CORETYPE=Prescott make claims: on another kernel"
	@echo "make slides       - the notebooks as offline reveal.js slides in slides/ (first run: npm ci)"
	@echo "make slides-meta NB=notebooks/X.ipynb - set a notebook's slide metadata after editing it"
	@echo "make release      - instructors: student version of the notebooks in release/ (nbgrader)"
	@echo "make grade SUBMISSIONS=<dir> - instructors: grade <dir>/<student>/<notebook>.ipynb (nbgrader)"
	@echo "make classroom    - as root: JupyterHub + nbgrader for a whole class on this machine (classroom/README.md)"
	@echo "make classroom-test - as root: a whole assignment through the hub, 1 instructor and 3 students (CI runs it)"
	@echo "make classroom-verdicts - after classroom-test: every notebook in the class venv, verdicts and ledger as stored"
	@echo "make clean-venv   - delete $(VENV)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The install step prints one line per step; pip is quiet (its warnings and errors still show).
# PYTHONWARNINGS hides setuptools' one informational notice about editable installs ("Please be
# careful with folders in your working directory..."): the folder it means is the package itself.
$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt constraints.txt pyproject.toml $(LAB_SETTINGS)
	@echo "Installing the course's pinned packages into $(VENV) (the first time: a minute or more)..."
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@PYTHONWARNINGS="ignore:Editable installation" \
	    $(BIN)/python -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	@echo "Installing the course's JupyterLab settings ($(LAB_SETTINGS) -> $(VENV)/share/jupyter/lab/settings/)"
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	@cp $(LAB_SETTINGS) $(VENV)/share/jupyter/lab/settings/overrides.json
	@touch $(STAMP)
	@echo "$(VENV) is ready."

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(ROOT_FLAG) $(LAB_ARGS)

# The widget latency table at the end is informational: a busy or slow machine must not fail the
# tests. `make bench-check` enforces the budget (CI runs it after `make test`).
# On the reference platform (notebooks/reference_platform.json) nbval compares every output digit for digit;
# on any other machine every cell still runs and every verdict is compared (tools/run_tests.py says which, first).
test: $(STAMP)
	$(BIN)/python tools/run_tests.py $(PYTEST_ARGS)
	@cat screenshots/browser_report.txt 2>/dev/null || true
	@$(BIN)/python benchmarks/bench_widgets.py || echo "(the widget latency table could not be made; see above)"

# Tests marked slow (pyproject.toml: browser tests, the grading batch) run in `make test` only.
unit: $(STAMP)
	$(BIN)/python -m pytest tests -m "not slow" $(PYTEST_ARGS)

nbval: $(STAMP)
	$(BIN)/python -m pytest notebooks --nbval --nbval-current-env --nbval-cell-timeout=300 $(PYTEST_ARGS)

NB ?= notebooks/*.ipynb
execute: $(STAMP)
	@$(BIN)/python tools/run_tests.py --explain | grep -q "NOT the reference" && echo "warning: this is not the reference platform (notebooks/reference_platform.json): the stored digits will change" || true
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=600 $(NB)

data: $(STAMP)
	$(BIN)/python -m lstm_helpers.datasets --write data

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_notebooks.py
	$(BIN)/python benchmarks/bench_widgets.py
	$(BIN)/python benchmarks/bench_step.py
	$(BIN)/python benchmarks/bench_seeds.py

bench-check: $(STAMP)
	$(BIN)/python benchmarks/bench_widgets.py --check

# Another CPU's floating point (simulated by other OpenBLAS kernels) may change a trained model's digits,
# never a verdict: tools/check_verdicts.py compares every verdict line with the stored outputs.
# The notebooks as reveal.js slide decks: slides/NN_name.slides.html (+ slides/assets/), offline.
# The first run installs reveal.js and MathJax from npm into presentation/node_modules (needs Node.js + npm).
slides: $(STAMP)
	$(BIN)/python presentation/build.py

# Set the slide metadata of NB (default: every notebook) by presentation/slidemeta.py's rules.
slides-meta: $(STAMP)
	$(BIN)/python presentation/slidemeta.py $(NB)

NB_VERDICTS ?=
verdicts: $(STAMP)
	$(BIN)/python tools/check_verdicts.py $(NB_VERDICTS)

# The claims ledger (lstm_helpers.claims, about a minute): its verdicts must equal notebook 12's stored table.
claims: $(STAMP)
	$(BIN)/python tools/check_claims.py

clean-venv:
	rm -rf $(VENV)

# Instructors (README, "For instructors"): nbgrader on top of notebooks/ (the instructor source).
# make release                  -> release/notebooks/*.ipynb (student version) + release/data/
# make grade SUBMISSIONS=<dir>  -> <dir>/grades.csv, <dir>/feedback/<student>/<notebook>.html
CELL_TIMEOUT ?= 120
.PHONY: release grade
release: $(STAMP)
	$(BIN)/python grading/course.py release --out release

grade: $(STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=<dir>  (<dir>/<student_id>/<notebook>.ipynb)"; exit 2; }
	$(BIN)/python grading/course.py grade "$(SUBMISSIONS)" --cell-timeout $(CELL_TIMEOUT)

# The classroom (classroom/README.md): JupyterHub + nbgrader for a whole class on this machine; run as root.
# It builds its own venv from Debian's python3.11 in /opt/lstm-classroom (students cannot run a Python in /root).
INSTRUCTORS ?=
CLASSROOM_ARGS ?=
.PHONY: classroom classroom-test classroom-verdicts
classroom:
	$(PYTHON) classroom/classroom.py start $(foreach i,$(INSTRUCTORS),--instructor $(i)) $(CLASSROOM_ARGS)

classroom-test:
	$(PYTHON) classroom/classroom_test.py

# The notebooks as the hub's students run them: the class venv (Debian's Python 3.11, lstm_helpers installed as a
# copy, made by `make classroom` or `make classroom-test`) executes every notebook; every verdict line and notebook
# 12's claims ledger must read as stored (digits may differ: another Python, another Language Reference text).
CLASS_PYTHON ?= /opt/lstm-classroom/venv/bin/python
CLASS_RUNS ?= .classroom-verdicts
classroom-verdicts: $(STAMP)
	@test -x $(CLASS_PYTHON) || { echo "no class venv at $(CLASS_PYTHON): run 'make classroom-test' (as root) first"; exit 1; }
	rm -rf $(CLASS_RUNS)
	$(CLASS_PYTHON) tools/check_verdicts.py --coretypes here --keep $(CLASS_RUNS)
	$(BIN)/python tools/check_claims.py --executed $(CLASS_RUNS)/here/12_the_slides_audited.ipynb
