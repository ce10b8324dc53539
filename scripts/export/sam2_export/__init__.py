"""Exports SAM 2 / SAM 2.1 checkpoints to the TorchScript model directory of docs/ARCHITECTURE.md."""
