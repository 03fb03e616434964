"""Hugging Face plumbing shared by the model backends: quiet output and hub reachability.

transformers' progress bars and huggingface_hub's retry warnings would break mtcheck's stderr
contract (one line per error). And a hub id that is neither cached nor reachable would otherwise
spend half a minute in retries before failing: mtcheck checks the cache, then the network, first.
"""

from __future__ import annotations

import os
import socket
from functools import lru_cache
from pathlib import Path
from typing import Any

from mtcheck.errors import ModelError

HUB_HOST = "huggingface.co"


def offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


@lru_cache(maxsize=1)
def quiet_transformers() -> None:
    """Silence transformers' 'Loading weights' bars and info logs, and the hub's retry warnings."""
    from huggingface_hub.utils import logging as hub_logging
    from transformers.utils import logging

    logging.set_verbosity_error()
    logging.disable_progress_bar()
    hub_logging.set_verbosity_error()


def _cached(repo_id: str, revision: str | None) -> bool:
    from huggingface_hub import try_to_load_from_cache

    found = try_to_load_from_cache(repo_id, "config.json", revision=revision or None)
    return isinstance(found, str) and Path(found).is_file()


@lru_cache(maxsize=4)
def _hub_reachable(timeout: float = 3.0) -> bool:
    try:
        with socket.create_connection((HUB_HOST, 443), timeout=timeout):
            return True
    except OSError:
        return False


def hub_kwargs(repo_id: str, revision: str | None, role: str) -> dict[str, Any]:
    """``from_pretrained`` keyword arguments for a hub id: cache first, then the network.

    Raises ModelError at once when the model is not cached and the hub cannot be reached.
    """
    kwargs: dict[str, Any] = {}
    if revision:
        kwargs["revision"] = revision
    if offline() or _cached(repo_id, revision):
        kwargs["local_files_only"] = True
    elif not _hub_reachable():
        raise ModelError(
            f"{role} model {repo_id} is not in the local Hugging Face cache and {HUB_HOST} cannot be "
            "reached: download it once with network access, or pass a local folder"
        )
    return kwargs
