#!/usr/bin/env python3
"""RayServe baseline (Location: Local-Flat): Ray Serve LLM serving Llama-3.1-8B with vLLM.

Usage: comparison-baseline.py ACCELERATOR_TYPE    (e.g. H100, A100, A100-80G)
lmbench passes the baseline's acceleratorType as that one argument (and, the same value, in
ACCELERATOR_TYPE); the argument wins when both are given. Serves the OpenAI API on localhost:$PORT
(default 30080). Reads MODEL_URL and HF_TOKEN from the environment. Runs in the foreground until
lmbench stops its process group at teardown. Tested with ray[serve,llm]==2.60.0
(2-serving-engines/README.md, "Versions").
"""
import os
import sys

from ray import serve
from ray.serve.llm import LLMConfig, build_openai_app


def main() -> None:
    accelerator = sys.argv[1] if len(sys.argv) == 2 else os.environ.get("ACCELERATOR_TYPE", "")
    if len(sys.argv) > 2 or not accelerator:
        sys.exit("usage: comparison-baseline.py ACCELERATOR_TYPE (or ACCELERATOR_TYPE in the environment)")
    if not os.environ.get("HF_TOKEN"):
        sys.exit("HF_TOKEN must be set")
    llm_config = LLMConfig(
        model_loading_config={
            "model_id": os.environ.get("MODEL_URL", "meta-llama/Llama-3.1-8B-Instruct"),
            "model_source": os.environ.get("MODEL_URL", "meta-llama/Llama-3.1-8B-Instruct"),
        },
        deployment_config={"autoscaling_config": {"min_replicas": 1, "max_replicas": 1}},
        accelerator_type=accelerator,
        engine_kwargs={
            "max_model_len": 32000,
            "enable_prefix_caching": True,
            "gpu_memory_utilization": 0.9,
        },
        runtime_env={"env_vars": {"HF_TOKEN": os.environ["HF_TOKEN"]}},
    )
    app = build_openai_app({"llm_configs": [llm_config]})
    port = int(os.environ.get("PORT", "30080"))
    serve.start(http_options={"host": "0.0.0.0", "port": port})
    print(f"rayserve serving on port {port}", flush=True)
    serve.run(app, blocking=True)


if __name__ == "__main__":
    main()
