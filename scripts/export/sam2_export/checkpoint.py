"""Reading official checkpoints and loading them strictly, naming every mismatched key."""
from typing import Dict, List

import torch
from torch import nn


class CheckpointMismatchError(RuntimeError):
    def __init__(self, missing: List[str], unexpected: List[str], wrong_shape: List[str]):
        self.missing = missing
        self.unexpected = unexpected
        self.wrong_shape = wrong_shape
        parts = []
        for label, keys in (("missing", missing), ("unexpected", unexpected), ("wrong-shape", wrong_shape)):
            if keys:
                parts.append(f"{label} keys ({len(keys)}): {', '.join(keys)}")
        super().__init__("checkpoint does not match the config: " + "; ".join(parts))


def read_state_dict(path: str) -> Dict[str, torch.Tensor]:
    """The `model` state dict of an official checkpoint (`torch.save({"model": sd})`)."""
    # weights_only: a checkpoint is data, never code to run.
    try:
        ckpt = torch.load(path, map_location="cpu", weights_only=True)
    except OSError:
        raise
    except Exception as err:  # noqa: BLE001 - torch raises unpickling, zip and runtime errors alike for a bad file
        raise ValueError(f"{path}: not a loadable checkpoint ({load_failure(err)})") from err
    if not isinstance(ckpt, dict) or not isinstance(ckpt.get("model"), dict):
        raise ValueError(f"{path}: expected a dict with a 'model' state dict")
    return ckpt["model"]


def load_failure(err: Exception) -> str:
    """One line on why torch.load refused a file, without torch's advice to retry with weights_only=False (the
    unsafe loading this refusal protects against)."""
    message = str(err).strip()
    marker = "WeightsUnpickler error:"
    if marker in message:
        message = message.split(marker, 1)[1].strip()
    lines = message.splitlines()
    return f"{type(err).__name__}: {lines[0]}" if lines else type(err).__name__


def load_strict(model: nn.Module, state_dict: Dict[str, torch.Tensor]) -> None:
    """Copies every tensor into the float32 model; any missing or extra key is an error."""
    expected = model.state_dict()
    missing = sorted(set(expected) - set(state_dict))
    unexpected = sorted(set(state_dict) - set(expected))
    # Usually a checkpoint of another model size: say so instead of torch's per-tensor error.
    wrong_shape = sorted(
        f"{k} {tuple(state_dict[k].shape)} vs {tuple(v.shape)}"
        for k, v in expected.items()
        if k in state_dict and state_dict[k].shape != v.shape
    )
    if missing or unexpected or wrong_shape:
        raise CheckpointMismatchError(missing, unexpected, wrong_shape)
    model.load_state_dict(state_dict, strict=True)
