# Two commands for a newcomer (see README.md):
#   make lab    set up .venv, copy the student notebooks to my-work/ and open JupyterLab there
#   make test   set up .venv and run the test suite (the same command CI runs)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
TORCH_PIN := torch==2.13.0

.PHONY: setup lab test build check

setup: $(VENV)/.installed

# torch is pinned and installed first: a bare `torch` pulls the CUDA build (several GB).
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(TORCH_PIN)
	$(BIN)/python -m pip install --quiet -e '.[dev,browser,cluster]'
	touch $@

# deploy/student: the student's Jupyter settings (no instructor panels, no news pop-up).
lab: setup
	$(BIN)/python -m course start --to my-work
	JUPYTER_CONFIG_PATH="$(CURDIR)/deploy/student" PATH="$(CURDIR)/$(BIN):$$PATH" \
		$(BIN)/jupyter lab my-work $(if $(filter 0,$(shell id -u)),--allow-root)

# The test command (README): fast tests first, then the real-browser tests.
test: setup
	. $(BIN)/activate && python -m pytest -m "not browser" && python -m pytest -m browser

build: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m course build

check: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m course check
