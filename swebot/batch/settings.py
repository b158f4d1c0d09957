"""A batch run's configuration as validated data (built from the command line or by a caller)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from swebot.agent.config import LLMSettings
from swebot.batch.repos import DEFAULT_SOURCE

BUILTIN_MODEL_NAME = "swebot-builtin"


class BatchSettings(BaseModel):
    """Everything a worker needs to run one instance, plus how the driver schedules them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    output: Path
    workers: int = Field(1, ge=1, le=256)
    engine: Literal["builtin", "llm", "auto"] = "builtin"
    llm: LLMSettings | None = None  # the model for llm/auto
    sandbox: Literal["auto", "docker", "local"] = "auto"
    max_total_cost: float = Field(0.0, ge=0)  # USD across all workers; 0 = no limit
    redo: bool = False
    oracle_tests: bool = False  # development runs: the engine sees the instance's tests
    hints: bool = False  # give the engine hints_text besides the problem statement
    executor: Literal["local", "ray"] = "local"
    ray_address: str | None = None
    repo_source: str = DEFAULT_SOURCE
    cache_dir: Path | None = None  # None: $SWEBOT_CACHE_DIR or ~/.cache/swebot/repos
    time_limit: float = Field(1800.0, ge=0)  # per instance, seconds; 0 = none
    max_candidates: int = Field(0, ge=0)
    max_steps: int = Field(0, ge=0)
    max_cost: float = Field(0.0, ge=0)  # per instance, USD
    max_tokens: int = Field(0, ge=0)  # per instance
    test_timeout: float = Field(300.0, gt=0)
    attempts: int = Field(1, ge=1, le=64)  # independent attempts per instance, chosen among by evidence
    use_swebench_images: bool = True  # run inside sweb.eval.* images: local, else pulled
    image_namespace: str | None = None  # where official images are pulled from (None: swebench; "": never pull)

    @model_validator(mode="after")
    def _llm_needs_model(self) -> BatchSettings:
        if self.engine == "llm" and self.llm is None:
            raise ValueError("--engine llm needs --model")
        if self.ray_address and self.executor != "ray":
            raise ValueError("--ray-address needs --executor ray")
        return self

    @property
    def model_name(self) -> str:
        """``model_name_or_path`` in the predictions file."""
        if self.engine == "builtin" or self.llm is None:
            return BUILTIN_MODEL_NAME
        return f"swebot-{self.engine}__{self.llm.model}"
