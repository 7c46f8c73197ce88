// The shipped launch scripts of 2-serving-engines/ (Flat, SGLang, RayServe, Dynamo), run by
// `lmbench run` exactly as shipped, with the engines they start replaced by stand-ins that
// record their arguments and serve the real simulator: `vllm` on PATH, and the Python modules
// `sglang.launch_server`, `ray.serve(.llm)` and `dynamo.vllm`/`dynamo.frontend` on PYTHONPATH.
// A stand-in refuses what today's engine refuses (vLLM's removed --disable-log-requests), so a
// launcher that would crash-loop on a real machine fails here.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "config/temp_tree.h"
#include "core/files.h"
#include "e2e/run_binary.h"
#include "support/deploy_fixture.h"

namespace lmbench::e2e {
namespace {

namespace fs = std::filesystem;

constexpr const char* kModel = "meta-llama/Llama-3.1-8B-Instruct";
constexpr const char* kToken = "hf_LauncherT0ken42";

// Recorded argument lists are one argument per line in $FAKE_LOG/<name>.args.
const char* kVllm = R"(#!/bin/bash
# Stand-in for vLLM's CLI: `vllm serve MODEL [options]`.
printf '%s\n' "$@" > "$FAKE_LOG/vllm-$$.args"
for a in "$@"; do
  if [ "$a" = --disable-log-requests ]; then
    echo "vllm: error: unrecognized arguments: --disable-log-requests" >&2; exit 2
  fi
done
[ "$1" = serve ] || { echo "vllm: expected 'serve'" >&2; exit 2; }
port=""; prev=""
for a in "$@"; do [ "$prev" = --port ] && port="$a"; prev="$a"; done
exec "$FAKE_LMBENCH" sim --port "$port" --model "$2" --time-scale 20
)";

const char* kSglang = R"(import os, sys
# Stand-in for `python3 -m sglang.launch_server`.
open(os.path.join(os.environ["FAKE_LOG"], "sglang.args"), "w").write("\n".join(sys.argv[1:]) + "\n")
args = sys.argv[1:]
model, port = args[args.index("--model-path") + 1], args[args.index("--port") + 1]
os.execv(os.environ["FAKE_LMBENCH"], [os.environ["FAKE_LMBENCH"], "sim", "--port", port, "--model", model, "--time-scale", "20"])
)";

const char* kRayServe = R"(import os
# Stand-in for ray.serve: start() takes the HTTP port, run() serves the app (the simulator).
_port = None
def start(http_options=None):
    global _port
    _port = str(http_options["port"])
def run(app, blocking=False):
    cfg = app["llm_configs"][0]
    open(os.path.join(os.environ["FAKE_LOG"], "ray.args"), "w").write(
        "accelerator_type=%s\nmodel_id=%s\nengine_kwargs=%s\n" % (cfg.accelerator_type, cfg.model_loading_config["model_id"],
                                                                 sorted(cfg.engine_kwargs.items())))
    exe = os.environ["FAKE_LMBENCH"]
    os.execv(exe, [exe, "sim", "--port", _port, "--model", cfg.model_loading_config["model_id"], "--time-scale", "20"])
)";

const char* kRayServeLlm = R"(
# Stand-in for ray.serve.llm.
class LLMConfig:
    def __init__(self, model_loading_config, accelerator_type, engine_kwargs, deployment_config=None, runtime_env=None):
        self.model_loading_config = model_loading_config
        self.accelerator_type = accelerator_type
        self.engine_kwargs = engine_kwargs
def build_openai_app(d):
    return d
)";

const char* kDynamoVllm = R"(import os, sys, time
# Stand-in for `python3 -m dynamo.vllm`: the worker registers itself in the file store.
open(os.path.join(os.environ["FAKE_LOG"], "dynamo-worker.args"), "w").write("\n".join(sys.argv[1:]) + "\n")
store = os.environ["DYN_FILE_KV"]
open(os.path.join(store, "worker"), "w").write("registered")
while True:
    time.sleep(1)
)";

const char* kDynamoFrontend = R"(import os, sys, time
# Stand-in for `python3 -m dynamo.frontend`: serves once a worker registered in the shared store.
open(os.path.join(os.environ["FAKE_LOG"], "dynamo-frontend.args"), "w").write("\n".join(sys.argv[1:]) + "\n")
store = os.environ["DYN_FILE_KV"]
for _ in range(100):
    if os.path.exists(os.path.join(store, "worker")):
        break
    time.sleep(0.05)
else:
    sys.exit("no worker registered in " + store)
args = sys.argv[1:]
exe = os.environ["FAKE_LMBENCH"]
os.execv(exe, [exe, "sim", "--port", args[args.index("--http-port") + 1], "--model", os.environ["MODEL_URL"], "--time-scale", "20"])
)";

std::vector<std::string> lines(const fs::path& p) {
  std::vector<std::string> out;
  std::string text = core::read_file(p);
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) out.push_back(text.substr(start, end - start));
  return out;
}

TEST(ShippedLaunchers, EveryScriptStartsTodaysEngineWithArgumentsItAccepts) {
  lmbench::testing::TempTree t;
  fs::copy(fs::path(LMBENCH_SOURCE_DIR) / "2-serving-engines", t.path("2-serving-engines"), fs::copy_options::recursive);
  const fs::path fakes = t.path("fakes");
  const fs::path log = t.path("fake-log");
  fs::create_directories(log);
  fs::create_directories(fakes);
  deploy::testing::write_script(fakes / "vllm", kVllm);
  t.write("fakes/sglang/__init__.py", "");
  t.write("fakes/sglang/launch_server.py", kSglang);
  t.write("fakes/ray/__init__.py", "");
  t.write("fakes/ray/serve/__init__.py", kRayServe);
  t.write("fakes/ray/serve/llm.py", kRayServeLlm);
  t.write("fakes/dynamo/__init__.py", "");
  t.write("fakes/dynamo/vllm.py", kDynamoVllm);
  t.write("fakes/dynamo/frontend.py", kDynamoFrontend);
  t.write("run-bench.yaml", "0-bench-specs:\n  - suite.yaml\n1-infrastructure:\n  Location: Local-Flat\n");
  t.write("0-bench-specs/suite.yaml",
          std::string("Name: launchers\nServing:\n") +
              "  - Flat: {configSelection: basic-vllm/run-llama8B.sh, modelURL: " + kModel + "}\n" +
              "  - Flat: {configSelection: basic-lmcache/run-llama8B.sh, modelURL: " + kModel + "}\n" +
              "  - SGLang: {scriptName: comparison-baseline.sh, modelURL: " + kModel + "}\n" +
              "  - RayServe: {scriptName: comparison-baseline.py, acceleratorType: A100, modelURL: " + kModel + "}\n" +
              "  - Dynamo: {configSelection: agg-llama-3.1-8b.yaml, modelURL: " + kModel + "}\n" +
              "Workload:\n  Random:\n    - {NUM_USERS: 1, NUM_ROUNDS: 2, PROMPT_LEN: 16, ANSWER_LEN: 4, QPS: [5]}\n");
  const std::string path = fakes.string() + ":" + (std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin");
  const fs::path tmp = t.path("tmp");  // where the scripts make their temporary files
  fs::create_directories(tmp);
  const auto r = run_lmbench({"run", "run-bench.yaml", "--results", "out", "--quiet", "--local-port",
                              std::to_string(deploy::testing::free_port())},
                             {std::string("HF_TOKEN=") + kToken, "PATH=" + path, "PYTHONPATH=" + fakes.string(),
                              "FAKE_LOG=" + log.string(), std::string("FAKE_LMBENCH=") + LMBENCH_BIN,
                              "TMPDIR=" + tmp.string()},
                             t.root().string());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // Torn down, the scripts leave nothing behind (Dynamo's discovery store is removed).
  std::string left;
  for (const auto& e : fs::directory_iterator(tmp)) left += e.path().filename().string() + " ";
  EXPECT_EQ(left, "");

  // Every baseline served its two requests.
  std::map<std::string, int> succeeded;
  for (const auto& e : fs::directory_iterator(t.path("out/launchers"))) {
    const auto name = e.path().filename().string();
    // (a KEY may hold "_comparison" itself: sglang_comparison_baseline)
    if (e.path().extension() != ".json" || name.ends_with("_comparison.json")) continue;
    const auto j = nlohmann::json::parse(core::read_file(e.path()));
    succeeded[j["key"].get<std::string>()] = j["results"].value("successful_requests", 0);
  }
  std::string keys;
  for (const auto& [key, n] : succeeded) keys += key + " ";
  EXPECT_EQ(succeeded.size(), 5u) << keys;
  for (const auto& [key, n] : succeeded) EXPECT_EQ(n, 2) << key;

  // What each engine was started with.
  std::vector<std::vector<std::string>> vllm_runs;
  for (const auto& e : fs::directory_iterator(log)) {
    if (e.path().filename().string().rfind("vllm-", 0) == 0) vllm_runs.push_back(lines(e.path()));
  }
  ASSERT_EQ(vllm_runs.size(), 2u);
  for (const auto& args : vllm_runs) {
    ASSERT_GE(args.size(), 2u);
    EXPECT_EQ(args[0], "serve");
    EXPECT_EQ(args[1], kModel);
  }
  const auto lmcache = std::find_if(vllm_runs.begin(), vllm_runs.end(), [](const auto& a) {
    return std::find(a.begin(), a.end(), "--kv-transfer-config") != a.end();
  });
  EXPECT_NE(lmcache, vllm_runs.end()) << "the LMCache Flat script connects LMCache";

  const auto sglang = lines(log / "sglang.args");
  EXPECT_EQ(std::vector<std::string>(sglang.begin(), sglang.begin() + 2), (std::vector<std::string>{"--model-path", kModel}));

  const std::string ray = core::read_file(log / "ray.args");
  EXPECT_NE(ray.find("accelerator_type=A100\n"), std::string::npos) << ray;
  EXPECT_NE(ray.find(std::string("model_id=") + kModel + "\n"), std::string::npos) << ray;

  const auto worker = lines(log / "dynamo-worker.args");
  ASSERT_GE(worker.size(), 4u);
  EXPECT_EQ(std::vector<std::string>(worker.begin(), worker.begin() + 4),
            (std::vector<std::string>{"--model", kModel, "--discovery-backend", "file"}));
  EXPECT_NE(std::find(worker.begin(), worker.end(), "--max-model-len"), worker.end());
  const auto frontend = lines(log / "dynamo-frontend.args");
  ASSERT_EQ(frontend.size(), 6u);
  EXPECT_EQ(frontend[0], "--http-port");
  EXPECT_EQ(std::vector<std::string>(frontend.begin() + 2, frontend.end()),
            (std::vector<std::string>{"--router-mode", "round-robin", "--discovery-backend", "file"}));
}

}  // namespace
}  // namespace lmbench::e2e
