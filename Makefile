# Set-up and everyday targets. Everything runs inside .venv, created on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   ?= demo_out

.PHONY: demo test bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,lint]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/lenall demo --outdir $(DEMO)/data
	$(BIN)/lenall run --samplesheet $(DEMO)/data/samplesheet.csv --outdir $(DEMO)/results --cores 2
	@echo ""
	@echo "Oncoprint: $(DEMO)/results/cohort/oncoprint.png (also .svg, .pdf)"
	@echo "Report:    $(DEMO)/results/cohort/report.html"
	@echo "Figure 1 counts (altered/evaluable): $(DEMO)/results/cohort/frequencies.tsv"
	@cut -f1,5 $(DEMO)/results/cohort/frequencies.tsv | tail -n +2 | sed 's/^/    /' 

test: $(STAMP)
	@sh scripts/ensure-chromium.sh
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

bench: $(STAMP)
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache
