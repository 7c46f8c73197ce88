# The README's two commands: `make run` and `make test`. Both do the whole set-up first.
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: setup configure build test run clean

setup:
	@bash scripts/setup.sh

configure: setup
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# Every test: unit tests and end-to-end tests against real local servers.
test: build
	ctest --test-dir $(BUILD) --output-on-failure -j 2 --timeout 600

# The default suite on the built-in simulator: results land in ./results/.
run: build
	./$(BUILD)/lmbench run run-bench.yaml

clean:
	rm -rf $(BUILD)
