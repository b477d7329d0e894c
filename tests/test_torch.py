"""winit.torch: torch.nn.init's names, signatures and distributions; init_module."""
import collections
import inspect
import math

import numpy as np
import pytest
import torch
import torch.nn as nn
from scipy import stats

import winit
import winit.torch as wt

N = (400, 500)  # 200k values per KS sample
P_MIN = 1e-4


def ks(a, b):
    a = np.asarray(a.detach().double() if isinstance(a, torch.Tensor) else a, dtype=np.float64).ravel()
    b = np.asarray(b.detach().double() if isinstance(b, torch.Tensor) else b, dtype=np.float64).ravel()
    p = stats.ks_2samp(a, b).pvalue
    assert p > P_MIN, f"KS p-value {p}"


def torch_ref(fn, shape, *args, seed=0, dtype=torch.float32, **kw):
    torch.manual_seed(seed)
    return fn(torch.empty(shape, dtype=dtype), *args, **kw)


def test_every_public_name():
    for name in torch.nn.init.__all__:
        assert callable(getattr(wt, name)), name
    assert set(torch.nn.init.__all__) <= set(wt.__all__)


@pytest.mark.parametrize("name", [n for n in torch.nn.init.__all__ if n.endswith("_") or n == "calculate_gain"])
def test_signatures_match_torch(name):
    """Same positional parameters, names and defaults; winit only adds keyword-only ones."""
    ours = inspect.signature(getattr(wt, name)).parameters
    theirs = inspect.signature(getattr(torch.nn.init, name)).parameters
    pos = [p for p in ours.values() if p.kind is not inspect.Parameter.KEYWORD_ONLY]
    assert [p.name for p in pos] == list(theirs), name
    for p in pos:
        assert p.default == theirs[p.name].default, (name, p.name)
    extra = [p.name for p in ours.values() if p.kind is inspect.Parameter.KEYWORD_ONLY]
    assert extra in ([], ["seed", "stream", "name"]), extra


@pytest.mark.parametrize("fn,args,kw", [
    ("uniform_", (), {}),
    ("uniform_", (-3.0, 0.5), {}),
    ("normal_", (), {}),
    ("normal_", (1.5, 0.2), {}),
    ("trunc_normal_", (), {}),
    ("trunc_normal_", (0.5, 2.0, -1.0, 3.0), {}),   # absolute bounds, p > 0.3 branch of torch
    ("trunc_normal_", (0.0, 1.0, 1.0, 4.0), {}),    # one-sided tail, p <= 0.3 branch of torch
    ("xavier_uniform_", (), {}),
    ("xavier_normal_", (2.0,), {}),
    ("kaiming_uniform_", (), {}),
    ("kaiming_uniform_", (math.sqrt(5),), {}),
    ("kaiming_normal_", (), {"mode": "fan_out", "nonlinearity": "relu"}),
    ("kaiming_normal_", (0.2, "fan_in", "leaky_relu"), {}),
    ("kaiming_uniform_", (), {"nonlinearity": "tanh", "mode": "FAN_OUT"}),
])
def test_distribution_matches_torch(fn, args, kw):
    shape = N if fn.startswith(("uniform", "normal", "trunc")) else (256, 64, 3, 3)
    if args[2:] == (1.0, 4.0):
        shape = (100, 100)  # torch's tail sampler is slow
    ours = getattr(wt, fn)(torch.empty(shape), *args, **kw, seed=1)
    theirs = torch_ref(getattr(torch.nn.init, fn), shape, *args, **kw)
    ks(ours, theirs)
    if "uniform" in fn:  # same support: the extremes agree closely
        tol = 1e-3 * float(theirs.max() - theirs.min())
        torch.testing.assert_close(ours.min(), theirs.min(), rtol=0, atol=tol)
        torch.testing.assert_close(ours.max(), theirs.max(), rtol=0, atol=tol)
    if fn == "trunc_normal_":
        a, b = (args[2], args[3]) if args else (-2.0, 2.0)
        assert ours.min() >= a and ours.max() <= b
        assert ours.min() < a + 0.01 * (b - a) or args[2:] == (1.0, 4.0)


def test_orthogonal_matches_torch():
    for shape in [(64, 200), (200, 64), (32, 16, 3, 3)]:
        ours = wt.orthogonal_(torch.empty(shape), gain=2.0, seed=3)
        m = ours.reshape(shape[0], -1).double()
        small = min(m.shape)
        gram = m @ m.T if m.shape[0] == small else m.T @ m
        torch.testing.assert_close(gram, 4.0 * torch.eye(small, dtype=torch.float64), atol=1e-5, rtol=0)
    ours = torch.cat([wt.orthogonal_(torch.empty(100, 100), seed=s).ravel() for s in range(10)])
    torch.manual_seed(0)
    theirs = torch.cat([torch.nn.init.orthogonal_(torch.empty(100, 100)).ravel() for _ in range(10)])
    ks(ours, theirs)


def test_sparse_matches_torch():
    ours = wt.sparse_(torch.empty(300, 400), 0.3, std=0.5, seed=2)
    theirs = torch_ref(torch.nn.init.sparse_, (300, 400), 0.3, std=0.5)
    assert ((ours == 0).sum(0) == math.ceil(0.3 * 300)).all()
    assert ((theirs == 0).sum(0) == math.ceil(0.3 * 300)).all()
    ks(ours[ours != 0], theirs[theirs != 0])
    # the zeroed rows differ between columns and are reproducible
    assert not torch.equal(ours[:, 0] == 0, ours[:, 1] == 0)
    torch.testing.assert_close(ours, wt.sparse_(torch.empty(300, 400), 0.3, std=0.5, seed=2))


def test_deterministic_fills_equal_torch():
    for fn, shape, args in [("eye_", (3, 5), ()), ("dirac_", (6, 4, 3, 3), ()), ("dirac_", (6, 4, 3), (2,)),
                            ("constant_", (4, 4), (0.3,)), ("ones_", (3,), ()), ("zeros_", (3,), ())]:
        ours = getattr(wt, fn)(torch.empty(shape), *args)
        theirs = getattr(torch.nn.init, fn)(torch.empty(shape), *args)
        assert torch.equal(ours, theirs), fn


def test_calculate_gain():
    for nl in ["linear", "conv2d", "sigmoid", "tanh", "relu", "selu", "leaky_relu"]:
        assert wt.calculate_gain(nl) == torch.nn.init.calculate_gain(nl)
    assert wt.calculate_gain("leaky_relu", 0.3) == torch.nn.init.calculate_gain("leaky_relu", 0.3)
    with pytest.raises(ValueError, match="did you mean 'tanh'"):
        wt.calculate_gain("tahn")


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.bfloat16])
@pytest.mark.parametrize("contiguous", [True, False])
def test_values_are_winit_values(dtype, contiguous):
    np_name = str(dtype).split(".")[1]
    t = torch.empty(48, 40, dtype=dtype) if contiguous else torch.empty(40, 48, dtype=dtype).t()
    assert t.is_contiguous() == contiguous
    wt.normal_(t, 0.5, 2.0, seed=5, name="w")
    ref = winit.normal((48, 40), 0.5, 2.0, seed=5, name="w", dtype=np_name)
    got = t.float().numpy()
    np.testing.assert_array_equal(got, ref.astype(np.float32))
    wt.kaiming_uniform_(t, seed=6)
    ref = winit.he_uniform((48, 40), layout="torch", seed=6, dtype=np_name)
    rtol = 1e-2 if dtype in (torch.float16, torch.bfloat16) else 1e-6  # bound rounding may differ by an ulp
    np.testing.assert_allclose(t.float().numpy(), ref.astype(np.float32), rtol=rtol)
    wt.trunc_normal_(t, 0.0, 1.0, -0.5, 0.25, seed=7)
    assert t.min() >= -0.5 and t.max() <= 0.25
    wt.orthogonal_(t, seed=8)
    np.testing.assert_array_equal(t.float().numpy(),
                                  winit.orthogonal((48, 40), layout="torch", seed=8, dtype=np_name).astype(np.float32))
    # a strided slice of a bigger tensor: only the slice is written
    big = torch.zeros(10, 10, dtype=dtype)
    wt.uniform_(big[::2, 1::3], seed=1)
    assert (big[1::2] == 0).all() and (big[:, 0] == 0).all() and (big[::2, 1::3] != 0).all()


def test_generator_and_manual_seed():
    g = winit.Generator(5)
    a = wt.normal_(torch.empty(10), generator=g).clone()
    b = wt.normal_(torch.empty(10), generator=g).clone()
    assert not torch.equal(a, b)
    g2 = winit.Generator(5)
    assert torch.equal(a, wt.normal_(torch.empty(10), generator=g2))
    np.testing.assert_array_equal(b.numpy(), g2.normal(size=10, dtype="float32"))
    wt.manual_seed(3)
    x = wt.xavier_uniform_(torch.empty(5, 6)).clone()
    y = wt.xavier_uniform_(torch.empty(5, 6)).clone()
    wt.manual_seed(3)
    assert torch.equal(x, wt.xavier_uniform_(torch.empty(5, 6)))
    assert torch.equal(y, wt.xavier_uniform_(torch.empty(5, 6)))
    with pytest.raises(TypeError, match="winit.Generator"):
        wt.normal_(torch.empty(3), generator=torch.Generator())
    with pytest.raises(ValueError, match="not both"):
        wt.normal_(torch.empty(3), generator=g, seed=1)


def test_torch_semantics_kept():
    with pytest.warns(UserWarning, match="zero-element"):
        wt.kaiming_uniform_(torch.empty(0, 3))
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        wt.kaiming_normal_(torch.empty(3, 3), mode="fan_avg")
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        wt.xavier_uniform_(torch.empty(5))
    with pytest.raises(ValueError, match="only tensors with 2 or more"):
        wt.orthogonal_(torch.empty(5))
    with pytest.raises(ValueError, match="only tensors with 2 dimensions"):
        wt.sparse_(torch.empty(2, 2, 2), 0.1)
    with pytest.warns(UserWarning, match="more than 2 std"):
        wt.trunc_normal_(torch.empty(10), mean=10.0, std=1.0, a=-2, b=2, seed=1)
    with pytest.warns(FutureWarning, match="deprecated"):
        wt.normal(torch.empty(3), seed=1)
    with pytest.raises(TypeError, match="float32, float64, float16 or bfloat16"):
        wt.normal_(torch.empty(3, dtype=torch.int64), seed=1)
    with pytest.raises(ValueError, match="std"):
        wt.normal_(torch.empty(3), 0.0, -1.0, seed=1)
    with pytest.raises(ValueError, match="range"):
        wt.uniform_(torch.empty(3), 1.0, 0.0, seed=1)
    # meta tensors: a no-op, as torch
    m = torch.empty(4, 4, device="meta")
    assert wt.kaiming_normal_(m, seed=1) is m and wt.orthogonal_(m) is m and wt.trunc_normal_(m) is m
    # parameters keep requires_grad and no autograd history is recorded
    p = nn.Parameter(torch.empty(4, 4))
    wt.xavier_normal_(p, seed=1)
    assert p.requires_grad and p.grad_fn is None


# ------------------------------------------------------------------ init_module
def make(extra=False):
    layers = collections.OrderedDict()
    layers["emb"] = nn.Embedding(50, 16, padding_idx=0)
    layers["fc1"] = nn.Linear(16, 32)
    if extra:
        layers["inserted"] = nn.Linear(32, 32)
    layers["norm"] = nn.LayerNorm(32)
    layers["conv"] = nn.Conv1d(32, 8, 3)
    layers["bn"] = nn.BatchNorm1d(8)
    layers["head"] = nn.Linear(8, 4)
    return nn.Sequential(layers)


def test_init_module_order_independent():
    a = wt.init_module(make(), seed=0)
    b = wt.init_module(make(extra=True), seed=0)
    sa, sb = a.state_dict(), b.state_dict()
    for k in sa:
        assert torch.equal(sa[k], sb[k]), k
    # each parameter is the winit value of its qualified name
    w = a.fc1.weight.detach().numpy()
    np.testing.assert_allclose(w, winit.init("kaiming_uniform", (32, 16), layout="torch",
                                             nonlinearity="leaky_relu", param=math.sqrt(5),
                                             seed=0, name="fc1.weight"), rtol=1e-6)
    c = wt.init_module(make(), seed=1)
    assert not torch.equal(a.fc1.weight, c.fc1.weight)


def test_init_module_pytorch_defaults():
    m = wt.init_module(make(), seed=0)
    assert (m.emb.weight[0] == 0).all()
    assert torch.equal(m.norm.weight, torch.ones(32)) and torch.equal(m.norm.bias, torch.zeros(32))
    assert torch.equal(m.bn.running_var, torch.ones(8)) and m.bn.num_batches_tracked == 0
    assert m.fc1.weight.abs().max() <= 1 / math.sqrt(16) and m.fc1.bias.abs().max() <= 1 / math.sqrt(16)
    assert m.conv.weight.abs().max() <= 1 / math.sqrt(96)
    # distributions equal those of freshly constructed torch layers
    torch.manual_seed(0)
    lin, emb, lstm = nn.Linear(300, 600), nn.Embedding(400, 500), nn.LSTM(100, 200)
    ours = wt.init_module(nn.ModuleDict({"lin": nn.Linear(300, 600), "emb": nn.Embedding(400, 500),
                                         "lstm": nn.LSTM(100, 200)}), seed=3)
    ks(ours.lin.weight, lin.weight)
    ks(ours.emb.weight, emb.weight)
    ks(ours.lstm.weight_hh_l0, lstm.weight_hh_l0)


@pytest.mark.filterwarnings("ignore:enable_nested_tensor")
def test_init_module_attention_and_transformer():
    t = wt.init_module(nn.Transformer(16, 2, 1, 1, 32), seed=0)
    layer = t.encoder.layers[0]
    assert (layer.self_attn.in_proj_bias == 0).all() and (layer.self_attn.out_proj.bias == 0).all()
    b = math.sqrt(6 / (16 + 48))  # nn.Transformer: xavier_uniform_ on every matrix
    assert layer.self_attn.in_proj_weight.abs().max() <= b
    assert layer.linear1.weight.abs().max() <= math.sqrt(6 / 48)
    assert layer.linear1.weight.abs().max() > 1 / math.sqrt(16)  # not Linear's default
    mha = wt.init_module(nn.MultiheadAttention(8, 2, add_bias_kv=True), seed=0)
    assert (mha.out_proj.bias == 0).all() and mha.bias_k.abs().sum() > 0


def test_init_module_meta_device():
    with torch.device("meta"):
        m = make()
    m.to_empty(device="cpu")
    wt.init_module(m, seed=0)
    ref = wt.init_module(make(), seed=0).state_dict()
    for k, v in m.state_dict().items():
        assert torch.equal(v, ref[k]), k


def test_init_module_rules():
    m = wt.init_module(make(), seed=0, rules={
        "fc1.weight": "he_normal",
        "*.bias": 0.0,
        "conv.*": ("kaiming_normal_", {"mode": "fan_out", "nonlinearity": "relu"}),
        nn.Embedding: None,
        "head.weight": lambda p, seed, name: wt.orthogonal_(p, seed=seed, name=name),
    })
    np.testing.assert_array_equal(m.fc1.weight.detach().numpy(),
                                  winit.he_normal((32, 16), layout="torch", seed=0, name="fc1.weight"))
    assert (m.fc1.bias == 0).all() and (m.head.bias == 0).all() and (m.norm.bias == 0).all()
    assert (m.norm.weight == 1).all()  # no rule: default kept
    c = wt.kaiming_normal_(torch.empty(8, 32, 3), mode="fan_out", nonlinearity="relu", seed=0, name="conv.weight")
    assert torch.equal(m.conv.weight, c)
    w = m.head.weight.detach()
    torch.testing.assert_close(w @ w.T, torch.eye(4), atol=1e-5, rtol=0)
    before = make().emb.weight.detach().clone()
    m2 = make()
    m2.emb.weight.data.copy_(before)
    wt.init_module(m2, seed=0, rules={"emb.*": None})
    assert torch.equal(m2.emb.weight, before)


def test_init_module_refusals():
    class Custom(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(torch.ones(3))
            self.fc = nn.Linear(3, 3)

    m = Custom()
    before = m.fc.weight.detach().clone()
    with pytest.raises(ValueError, match=r"no init code .* writes: scale \(Custom\)"):
        wt.init_module(m, seed=0)
    assert torch.equal(m.fc.weight, before)  # nothing written
    wt.init_module(m, seed=0, rules={"scale": "ones"})
    with pytest.raises(ValueError, match="match no parameter"):
        wt.init_module(make(), seed=0, rules={"fc1.weigth": "zeros"})
    with pytest.raises(ValueError, match=r"did you mean 'he_normal'"):
        wt.init_module(make(), seed=0, rules={"fc1.weight": "he_norml"})
    with pytest.raises(TypeError):
        wt.init_module(torch.empty(3), seed=0)
