#!/usr/bin/env python3
"""RayServe baseline (Location: Local-Flat): Ray Serve LLM serving Llama-3.1-8B with vLLM.

Usage: comparison-baseline.py ACCELERATOR_TYPE    (e.g. H100, A100)
Serves the OpenAI API on localhost:30080. Reads HF_TOKEN from the environment. Returns once the
application is running (Ray keeps serving in the background until `serve shutdown`).
"""
import os
import sys

from ray import serve
from ray.serve.llm import LLMConfig, build_openai_app


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: comparison-baseline.py ACCELERATOR_TYPE")
    if not os.environ.get("HF_TOKEN"):
        sys.exit("HF_TOKEN must be set")
    llm_config = LLMConfig(
        model_loading_config={
            "model_id": "meta-llama/Llama-3.1-8B-Instruct",
            "model_source": "meta-llama/Llama-3.1-8B-Instruct",
        },
        deployment_config={"autoscaling_config": {"min_replicas": 1, "max_replicas": 1}},
        accelerator_type=sys.argv[1],
        engine_kwargs={
            "max_model_len": 32000,
            "enable_prefix_caching": True,
            "gpu_memory_utilization": 0.9,
        },
        runtime_env={"env_vars": {"HF_TOKEN": os.environ["HF_TOKEN"]}},
    )
    app = build_openai_app({"llm_configs": [llm_config]})
    serve.start(http_options={"host": "0.0.0.0", "port": 30080})
    serve.run(app, blocking=False)
    print("rayserve ready on port 30080")


if __name__ == "__main__":
    main()
