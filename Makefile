# The README's two commands: `make demo` and `make test`. Both set everything up from scratch.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= gallery

.PHONY: demo test test-thorough lint typecheck unit bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# One stamp per set of extras, remade when pyproject.toml changes.
$(VENV)/.demo-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[plot,tensorboard]'
	touch $@

$(VENV)/.all-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[all,dev]'
	touch $@ $(VENV)/.demo-installed

demo: $(VENV)/.demo-installed
	$(BIN)/lrdecay gallery --out $(OUT)

lint: $(VENV)/.all-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.all-installed
	$(BIN)/mypy

# Every framework is required here: a missing one fails the run instead of skipping.
unit: $(VENV)/.all-installed
	LRDECAY_REQUIRE_FRAMEWORKS=1 $(BIN)/python -m pytest

# The TensorFlow parity properties over 10 independent samples of 200 examples per function.
SAMPLES ?= 1 2 3 4 5 6 7 8 9 10
test-thorough: $(VENV)/.all-installed
	@for seed in $(SAMPLES); do \
		echo "== parity sample $$seed (200 examples per function)"; \
		LRDECAY_REQUIRE_FRAMEWORKS=1 HYPOTHESIS_PROFILE=lrdecay-thorough \
		LRDECAY_PARITY_EXAMPLES=200 $(BIN)/python -m pytest -q -p no:cacheprovider \
			tests/parity/test_tf1_parity.py tests/compat/test_tf1.py \
			-k "generated or every_value" --hypothesis-seed=$$seed || exit 1; \
	done

test: lint typecheck unit

bench: $(VENV)/.all-installed
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache .hypothesis
