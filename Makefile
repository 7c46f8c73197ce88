# The README's two commands: `make run` and `make test`. Both do the whole set-up first.
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: setup configure build test run clean fuzz

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

# libFuzzer harnesses (fuzz/), each run for FUZZ_SECONDS on its seed corpus (fuzz/corpus/<name>)
# with ASan and UBSan; a crash stops with the input under build-fuzz/crashes/<name>/.
FUZZ_SECONDS ?= 60
FUZZERS = sse exposition trace multipart openai http_response config store profile
fuzz: setup
	@cmake -S . -B build-fuzz -G Ninja -DLMBENCH_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null
	@cmake --build build-fuzz -j $(JOBS)
	@for f in $(FUZZERS); do \
	  mkdir -p build-fuzz/corpus/$$f build-fuzz/crashes/$$f; \
	  echo "== fuzz_$$f for $(FUZZ_SECONDS) s"; \
	  if build-fuzz/fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	      -artifact_prefix=build-fuzz/crashes/$$f/ build-fuzz/corpus/$$f fuzz/corpus/$$f > build-fuzz/$$f.log 2>&1; then \
	    grep -E "DONE +cov|stat::average_exec_per_sec" build-fuzz/$$f.log; \
	  else \
	    grep -E "ERROR|SUMMARY|what\(\)|runtime error" build-fuzz/$$f.log; \
	    echo "fuzz_$$f found a crash: build-fuzz/crashes/$$f/ (log: build-fuzz/$$f.log)"; exit 1; \
	  fi; \
	done

clean:
	rm -rf $(BUILD) build-fuzz
