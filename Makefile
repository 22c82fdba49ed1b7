# Set-up and everyday commands. Every target creates .venv on first use.
PY := .venv/bin/python
VENV_STAMP := .venv/.installed

.PHONY: demo test test-all bench lint clean

$(VENV_STAMP): pyproject.toml
	python3 -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip
	# the CPU build of torch first, pinned: an unpinned request pulls a multi-GB CUDA build
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(VENV_STAMP)

demo: $(VENV_STAMP)
	$(PY) -m oddity_dataset generate out/demo-data --train 450 --val 90 --test 90 --overwrite
	$(PY) -m oddity_dataset show --data out/demo-data --split test --per-riddle 1 --out out/demo-sheet.png
	@echo "contact sheet: out/demo-sheet.png"

test: $(VENV_STAMP)
	$(PY) -m pytest -m "not slow" -q

test-all: $(VENV_STAMP)
	$(PY) -m pytest -q

bench: $(VENV_STAMP)
	$(PY) -m oddity_dataset bench --out docs/benchmarks/bench-dataset.json
	$(PY) -m saccade_net bench-train --out docs/benchmarks/bench-train.json

lint: $(VENV_STAMP)
	$(PY) -m ruff check .

clean:
	rm -rf out .pytest_cache
