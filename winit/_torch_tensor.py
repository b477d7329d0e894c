"""CPU torch tensors as numpy arrays: the one place winit's torch code turns a tensor
(any strides, float32/float64/float16/bfloat16) into a buffer the samplers fill in place,
or into a temporary that is copied back when no view is possible."""
import numpy as np
import torch

try:
    import ml_dtypes as _ml_dtypes
except ImportError:  # pragma: no cover
    _ml_dtypes = None

_NP_DTYPES = {torch.float32: np.dtype(np.float32), torch.float64: np.dtype(np.float64),
              torch.float16: np.dtype(np.float16)}
if _ml_dtypes is not None:
    _NP_DTYPES[torch.bfloat16] = np.dtype(_ml_dtypes.bfloat16)


def _np_dtype(tensor):
    dt = _NP_DTYPES.get(tensor.dtype)
    if dt is None:
        raise TypeError("winit.torch fills floating tensors of dtype float32, float64, float16 or "
                        f"bfloat16; got {tensor.dtype}")
    return dt


def _np_view(tensor):
    """A numpy array sharing ``tensor``'s memory (CPU, any strides), or None."""
    if tensor.device.type != "cpu":
        return None
    t = tensor.detach()
    if any(s == 0 and n > 1 for s, n in zip(t.stride(), t.shape)):
        raise RuntimeError("unsupported operation: more than one element of the written-to tensor "
                           "refers to a single memory location. Please clone() the tensor before "
                           "performing the operation.")
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().view(_NP_DTYPES[torch.bfloat16])
    return t.numpy()


def _write(tensor, fill):
    """Run ``fill(arr)`` on a numpy view of ``tensor`` (or a temporary copied in)."""
    dt = _np_dtype(tensor)
    if tensor.is_meta:
        return tensor
    with torch.no_grad():
        arr = _np_view(tensor)
        if arr is not None:
            fill(arr)
        else:
            arr = np.empty(tuple(tensor.shape), dtype=dt)
            fill(arr)
            tensor.copy_(_from_numpy(arr))
    return tensor


def _from_numpy(arr):
    if _ml_dtypes is not None and arr.dtype == _NP_DTYPES.get(torch.bfloat16):
        return torch.from_numpy(np.ascontiguousarray(arr).view(np.int16)).view(torch.bfloat16)
    return torch.from_numpy(np.ascontiguousarray(arr))
