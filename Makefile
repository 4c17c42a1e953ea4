# The README's two commands: `make demo` and `make test`. Both set everything up from scratch.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= gallery

.PHONY: demo test test-thorough mutation mutation-report lint typecheck unit bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# One stamp per set of extras, remade when pyproject.toml changes.
$(VENV)/.demo-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[plot,tensorboard]'
	touch $@

# timm (its schedulers are the reference of lrdecay.compat.timm) is installed without its
# dependencies: they would pull a torchvision that does not load against torch 2.13.0+cpu. Its
# scheduler modules need only torch; the tests load them without timm/__init__ (which imports
# torchvision), and pyyaml, huggingface_hub and safetensors come with transformers.
$(VENV)/.all-installed: pyproject.toml Makefile | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[all,dev]'
	$(BIN)/python -m pip install --quiet --no-deps 'timm==1.0.31'
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

# The TensorFlow parity properties and the exact-formula properties of compat.tf1 over 10
# independent samples of 200 examples per function, JOBS samples at a time (logs: .thorough-N.log),
# then the cross-framework agreement property with 400 fresh schedules per route.
SAMPLES ?= 1 2 3 4 5 6 7 8 9 10
JOBS ?= 2
test-thorough: $(VENV)/.all-installed
	@printf '%s\n' $(SAMPLES) | xargs -P $(JOBS) -I{} sh -c '\
		LRDECAY_REQUIRE_FRAMEWORKS=1 HYPOTHESIS_PROFILE=lrdecay-thorough \
		LRDECAY_PARITY_EXAMPLES=200 $(BIN)/python -m pytest -q -p no:cacheprovider \
		tests/parity/test_tf1_parity.py tests/compat/test_tf1.py \
		-k "generated or every_value" --hypothesis-seed={} > .thorough-{}.log 2>&1 \
		&& echo "sample {}: passed ($$(tail -n 1 .thorough-{}.log))" \
		|| { echo "sample {}: FAILED"; tail -n 60 .thorough-{}.log; exit 255; }'
	@LRDECAY_REQUIRE_FRAMEWORKS=1 HYPOTHESIS_PROFILE=lrdecay-thorough LRDECAY_AGREEMENT_EXAMPLES=400 \
		$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_agreement.py > .thorough-agreement.log 2>&1 \
		&& echo "cross-framework agreement, 400 fresh schedules per route: passed" \
		|| { echo "cross-framework agreement: FAILED"; tail -n 60 .thorough-agreement.log; exit 1; }

test: lint typecheck unit

# The mutation score of the formula modules, compat.tf1 and the combinators (pyproject.toml's
# [tool.mutmut]; docs/testing.md): mutmut from scratch, then the score (fails below 95 %).
mutation: $(VENV)/.all-installed
	rm -rf mutants
	$(BIN)/mutmut run --max-children $(JOBS) > .mutation.log 2>&1 || { tail -c 3000 .mutation.log; exit 1; }
	$(BIN)/python tests/mutation_report.py

mutation-report:
	$(BIN)/python tests/mutation_report.py

bench: $(VENV)/.all-installed
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache .hypothesis mutants
