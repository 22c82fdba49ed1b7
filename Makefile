# Set-up and everyday commands. Every target creates .venv on first use.
PY := .venv/bin/python
VENV_STAMP := .venv/.installed

.PHONY: demo test test-all bench bench-models lint clean

$(VENV_STAMP): pyproject.toml
	python3 -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip
	# the CPU build of torch first, pinned: an unpinned request pulls a multi-GB CUDA build
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(VENV_STAMP)

# the whole pipeline in a few minutes: a tiny dataset, the saccadic network and OReN trained briefly, the report
demo: $(VENV_STAMP)
	$(PY) -m saccade_net benchmark --quick --models saccadic,oren --out out/demo
	$(PY) -m oddity_dataset show --data out/demo/data --split test --per-riddle 1 --out out/demo/sheet.png
	@echo "contact sheet: out/demo/sheet.png"
	@echo "report: out/demo/report/report.html"

test: $(VENV_STAMP)
	$(PY) -m pytest -m "not slow" -q

test-all: $(VENV_STAMP)
	$(PY) -m pytest -q

bench: $(VENV_STAMP)
	$(PY) -m oddity_dataset bench --out docs/benchmarks/bench-dataset.json
	$(PY) -m saccade_net bench-train --model saccadic --batch-size 64 --out docs/benchmarks/bench-train.json
	$(PY) -m saccade_net bench-train --model oren --batch-size 64 --out docs/benchmarks/bench-train-oren.json

# the comparison: default dataset in data/oddity, 45 min of training per model, eval, Brian2, report
# (about 2.5 hours on 2 cores; rerun to resume; in the background: nohup make bench-models > bench.log 2>&1 &)
bench-models: $(VENV_STAMP)
	$(PY) -m saccade_net benchmark --out out/bench-models

lint: $(VENV_STAMP)
	$(PY) -m ruff check .

clean:
	rm -rf out .pytest_cache
