# Two commands from a fresh clone:  `make lab`  and  `make test`.
# Everything is installed into .venv from the pinned requirements (constraints.txt pins
# every transitive package, so stored notebook outputs reproduce).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
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

.PHONY: help lab test unit nbval execute bench data clean-venv

help:
	@echo "make lab    - install (first time) and open JupyterLab on notebooks/"
	@echo "make test   - install/update, then run unit tests and nbval (strict) on every notebook"
	@echo "make unit   - unit tests only (fast)"
	@echo "make nbval  - notebooks only"
	@echo "make execute NB=notebooks/X.ipynb - run a notebook in a fresh kernel, store outputs"
	@echo "make data   - regenerate data/ from lstm_helpers (fixed seeds)"
	@echo "make bench  - speed benchmarks (see benchmarks/README.md)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(ROOT_FLAG) $(LAB_ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest tests notebooks --nbval --nbval-current-env --nbval-cell-timeout=300 $(PYTEST_ARGS)
	@cat screenshots/browser_report.txt 2>/dev/null || true
	$(BIN)/python benchmarks/bench_widgets.py --check

unit: $(STAMP)
	$(BIN)/python -m pytest tests $(PYTEST_ARGS)

nbval: $(STAMP)
	$(BIN)/python -m pytest notebooks --nbval --nbval-current-env --nbval-cell-timeout=300 $(PYTEST_ARGS)

NB ?= notebooks/*.ipynb
execute: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=600 $(NB)

data: $(STAMP)
	$(BIN)/python -m lstm_helpers.datasets --write data

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_notebooks.py
	$(BIN)/python benchmarks/bench_widgets.py
	$(BIN)/python benchmarks/bench_step.py

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
