"""Make ``import timm`` and ``import transformers`` work beside the CPU wheel of torch.

timm imports torchvision, and PyPI's torchvision for x86-64 is built against CUDA
torch: beside the CPU wheel its compiled ``_C`` does not load, and its import then
fails registering fake kernels for ``torchvision::nms`` and ``torchvision::qnms``
(ops that only ``_C`` defines).  Defining those two schemas lets the pure-Python part
of torchvision import; winit's tests use none of its ops.  Where torchvision imports
by itself this does nothing.  Imported by conftest.py and by the tests' subprocesses.
"""
import sys

import torch

_lib = None


def ensure_torchvision():
    global _lib
    try:
        import torchvision  # noqa: F401
        return
    except ModuleNotFoundError:
        return
    except RuntimeError as e:
        if "torchvision::" not in str(e):
            raise
    for k in [k for k in sys.modules if k == "torchvision" or k.startswith("torchvision.")]:
        del sys.modules[k]
    if _lib is None:
        _lib = torch.library.Library("torchvision", "DEF")
        for op in ("nms", "qnms"):
            _lib.define(op + "(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    import torchvision  # noqa: F401


ensure_torchvision()
