"""winit.torch.deferred_init / materialize / init_module on real models.

Each model is compared with its own normal construction: the same state_dict
keys, shapes and dtypes; every deterministic entry bit-identical; every random
entry from the same distribution.  Distribution tests are two-sample KS tests
on entries of at least 1,000 values, Bonferroni-corrected so that each model's
family of tests has a false-alarm rate of 1e-3 (the seeds are fixed, so a run
is repeatable); std ratios are checked on entries of at least 10,000 values,
where the sampling error of a std is below 0.8% (tolerance 5%).
"""
import collections
import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn as nn
from scipy import stats

import winit.torch as wt
from winit import _deferred

import timm  # noqa: E402  (the test extra installs transformers and timm)
import transformers  # noqa: E402

FAMILY_ALPHA = 1e-3
MIN_KS = 1000
MIN_STD = 10_000

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::FutureWarning")


class Custom(nn.Module):
    """A module of its own: a raw nn.Parameter set by its own reset_parameters, a buffer,
    a padding row and arithmetic on a view."""

    def __init__(self, n=64, m=300):
        super().__init__()
        self.scale = nn.Parameter(torch.empty(n, m))
        self.emb = nn.Embedding(m, n, padding_idx=3)
        self.register_buffer("steps", torch.arange(m, dtype=torch.float32) * 0.5)
        self.reset_parameters()

    def reset_parameters(self):
        with torch.no_grad():
            nn.init.trunc_normal_(self.scale, std=0.02)
            self.scale[:, :8].mul_(3.0).add_(1.0)


def llama_cfg(layers=2, **kw):
    return transformers.LlamaConfig(num_hidden_layers=layers, hidden_size=64, intermediate_size=160,
                                    num_attention_heads=4, vocab_size=1000, **kw)


MODELS = {
    "gpt2": lambda: (transformers.GPT2LMHeadModel, (transformers.GPT2Config(
        n_layer=2, n_embd=64, n_head=4, vocab_size=1000, n_positions=128, bos_token_id=0,
        eos_token_id=0),)),
    "llama": lambda: (transformers.LlamaForCausalLM, (llama_cfg(tie_word_embeddings=True),)),
    "bert": lambda: (transformers.BertForMaskedLM, (transformers.BertConfig(
        num_hidden_layers=2, hidden_size=64, intermediate_size=128, num_attention_heads=4,
        vocab_size=1000, max_position_embeddings=128),)),
    "t5": lambda: (transformers.T5ForConditionalGeneration, (transformers.T5Config(
        num_layers=2, d_model=64, d_ff=128, num_heads=4, d_kv=16, vocab_size=1000),)),
    "vit": lambda: (transformers.ViTForImageClassification, (transformers.ViTConfig(
        num_hidden_layers=2, hidden_size=64, intermediate_size=128, num_attention_heads=4,
        image_size=64, patch_size=8, num_labels=10),)),
    "timm_vit_tiny": lambda: (timm.create_model, ("vit_tiny_patch16_224",)),
    "timm_resnet18": lambda: (timm.create_model, ("resnet18",)),
    "timm_convnext_atto": lambda: (timm.create_model, ("convnext_atto",)),
    "nn.Transformer": lambda: (nn.Transformer, (64, 4, 2, 2, 128)),
    "custom": lambda: (Custom, ()),
}


def random_entries(module):
    """state_dict names whose recorded history draws random numbers (module deferred)."""
    out = set()
    for owner, tape, key, prog, entries in wt._groups(module):
        if any(tape.calls[i].random for i in prog):
            out.update(e[0] for e, fake in entries)
    return out


def compare(ours, ref, random_names):
    """The checks of the module docstring; returns (deterministic, random, worst p, worst std ratio)."""
    sd, rs = ours.state_dict(), ref.state_dict()
    assert list(sd) == list(rs)
    det, rand = [], []
    for k in sd:
        assert sd[k].shape == rs[k].shape and sd[k].dtype == rs[k].dtype, k
        (rand if k in random_names else det).append(k)
    for k in det:
        assert torch.equal(sd[k], rs[k]), f"deterministic entry {k} differs"
    tested = [k for k in rand if sd[k].numel() >= MIN_KS and rs[k].double().std() > 0]
    worst_p, worst_ratio = 1.0, 1.0
    for k in tested:
        a, b = sd[k].double().flatten().numpy(), rs[k].double().flatten().numpy()
        p = stats.ks_2samp(a, b).pvalue
        assert p > FAMILY_ALPHA / len(tested), f"{k}: KS p-value {p}"
        worst_p = min(worst_p, p)
        if a.size >= MIN_STD:
            ratio = a.std() / b.std()
            assert abs(ratio - 1) < 0.05, f"{k}: std ratio {ratio}"
            worst_ratio = max(worst_ratio, ratio, 1 / ratio)
    return len(det), len(rand), worst_p, worst_ratio


def build(name):
    fn, args = MODELS[name]()
    return fn, args


@pytest.mark.parametrize("name", list(MODELS))
def test_materialize_matches_construction(name):
    fn, args = build(name)
    m = wt.deferred_init(fn, *args)
    assert wt.is_deferred(m)
    random_names = random_entries(m)
    wt.materialize(m, seed=0)
    assert not wt.is_deferred(m)
    torch.manual_seed(0)
    ref = fn(*args)
    det, rand, _, _ = compare(m, ref, random_names)
    assert rand > 0 and det > 0
    # tied parameters stay one object, as in the normal construction
    ref_ties = {k for k, p in ref.named_parameters(remove_duplicate=False)} - {
        k for k, p in ref.named_parameters()}
    our_ties = {k for k, p in m.named_parameters(remove_duplicate=False)} - {
        k for k, p in m.named_parameters()}
    assert our_ties == ref_ties
    # requires_grad and parameter-ness as built
    for (k, p), (k2, q) in zip(m.named_parameters(), ref.named_parameters()):
        assert k == k2 and type(p) is type(q) and p.requires_grad == q.requires_grad


def test_deferred_records_without_storage_or_rng():
    state = torch.random.get_rng_state()
    m = wt.deferred_init(transformers.LlamaForCausalLM, llama_cfg())
    assert torch.equal(torch.random.get_rng_state(), state)  # no draw from torch's RNG
    for _, p in m.named_parameters():  # a meta model, each tensor linked to its recorded history
        assert p.is_meta and isinstance(p._winit_deferred, _deferred.FakeTensor)
    # the model code saw CPU tensors: transformers ran its _init_weights (skipped on the meta device)
    names = collections.Counter(c.func._schema.name for c in _deferred.tape_of(
        m.lm_head.weight._winit_deferred).calls if c.func is not None)
    assert names["aten::normal_"] >= 8


def test_gpt2_model_init_not_layer_defaults():
    fn, args = build("gpt2")
    m = wt.materialize(wt.deferred_init(fn, *args), seed=0)
    assert m.lm_head.weight is m.transformer.wte.weight
    std = 0.02 / math.sqrt(2 * 2)  # GPT-2's depth-scaled c_proj
    assert abs(m.transformer.h[0].attn.c_proj.weight.std().item() / std - 1) < 0.1
    assert abs(m.transformer.h[0].mlp.c_fc.weight.std().item() / 0.02 - 1) < 0.1
    assert (m.transformer.h[0].mlp.c_fc.bias == 0).all()


def test_same_bits_any_threads_and_runs():
    fn, args = build("timm_vit_tiny")
    sds = [wt.materialize(wt.deferred_init(fn, *args), seed=5, threads=t).state_dict()
           for t in (1, 2, 3, 2)]
    for sd in sds[1:]:
        assert sd.keys() == sds[0].keys()
        for k in sd:
            assert torch.equal(sd[k], sds[0][k]), k


def test_seed_changes_every_random_entry():
    fn, args = build("llama")
    a = wt.deferred_init(fn, *args)
    rand = random_entries(a)
    wt.materialize(a, seed=1)
    b = wt.materialize(wt.deferred_init(fn, *args), seed=2)
    sa, sb = a.state_dict(), b.state_dict()
    for k in sa:
        if k in rand:
            assert (sa[k] != sb[k]).float().mean() > 0.99, k
        else:
            assert torch.equal(sa[k], sb[k]), k


def test_values_by_name_not_by_model():
    small = wt.materialize(wt.deferred_init(transformers.LlamaForCausalLM, llama_cfg(2)), seed=0)
    big = wt.materialize(wt.deferred_init(transformers.LlamaForCausalLM, llama_cfg(3)), seed=0)
    ss, sb = small.state_dict(), big.state_dict()
    assert set(ss) < set(sb)
    for k in ss:
        assert torch.equal(ss[k], sb[k]), k
    # and the value of a name is winit's stream of that name
    w = wt.normal_(torch.empty(160, 64), std=0.02, seed=0, name="model.layers.1.mlp.up_proj.weight")
    assert torch.equal(small.model.layers[1].mlp.up_proj.weight.detach(), w)


def test_bfloat16_model():
    cfg = llama_cfg()
    m = wt.materialize(wt.deferred_init(transformers.LlamaForCausalLM._from_config, cfg,
                                        dtype=torch.bfloat16), seed=0)
    ref = wt.materialize(wt.deferred_init(transformers.LlamaForCausalLM, cfg), seed=0)
    assert m.model.embed_tokens.weight.dtype == torch.bfloat16
    assert torch.equal(m.model.embed_tokens.weight, ref.model.embed_tokens.weight.to(torch.bfloat16))


def test_unreplayable_history_refused_by_name():
    class Poisson(nn.Module):
        def __init__(self):
            super().__init__()
            self.ok = nn.Parameter(torch.zeros(3))
            self.w = nn.Parameter(torch.empty(4, 4).log_normal_())

    m = wt.deferred_init(Poisson)
    with pytest.raises(wt.DeferredInitError, match=r"^w: .*log_normal_"):
        wt.materialize(m, seed=0)
    assert m.ok.is_meta and wt.is_deferred(m)  # nothing allocated before the refusal

    class ReadsRandom(nn.Module):
        def __init__(self):
            super().__init__()
            x = torch.randn(3)
            self.w = nn.Parameter(torch.ones(3) * float(x.sum()))

    with pytest.raises(wt.DeferredInitError, match="reads a value computed from random numbers"):
        wt.deferred_init(ReadsRandom)
    assert issubclass(wt.DeferredInitError, ValueError) and issubclass(wt.DeferredInitError, RuntimeError)


def test_change_outside_deferred_init_refused():
    m = wt.deferred_init(nn.Linear, 4, 4)
    with torch.no_grad():
        m.weight = nn.Parameter(m.weight * 2)  # a call the recording never saw
    with pytest.raises(wt.DeferredInitError, match=r"^weight: no recorded history"):
        wt.materialize(m, seed=0)


def test_construction_reads_values_for_real():
    class Schedule(nn.Module):
        def __init__(self):
            super().__init__()
            rates = [x.item() for x in torch.linspace(0, 0.3, 4)]
            self.register_buffer("rates", torch.tensor(rates))
            n = int(torch.arange(5).sum())  # 10
            self.w = nn.Parameter(torch.zeros(n))
            self.w.data[torch.arange(n) % 2 == 0] = 1.0  # a data-dependent write

    m = wt.materialize(wt.deferred_init(Schedule), seed=0)
    ref = Schedule()
    assert torch.equal(m.rates, ref.rates) and torch.equal(m.w, ref.w)


def test_materialize_bad_input():
    m = wt.deferred_init(nn.Linear, 4, 4)
    with pytest.raises(ValueError, match="seed"):
        wt.materialize(m, seed=-1)
    with pytest.raises(TypeError, match="module"):
        wt.materialize(torch.empty(3), seed=0)
    with pytest.raises(ValueError, match="device"):
        wt.materialize(m, seed=0, device="gpu7")
    with pytest.raises(TypeError, match="fn"):
        wt.deferred_init(3)
    with pytest.raises(TypeError, match="nn.Module"):
        wt.deferred_init(lambda: torch.empty(3))
    assert wt.is_deferred(m)


# ------------------------------------------------------------------ init_module
INIT_RULES = {"timm_convnext_atto": {"*.gamma": 1e-6}}


@pytest.mark.parametrize("name", ["gpt2", "llama", "bert", "t5", "vit", "timm_vit_tiny",
                                  "timm_resnet18", "timm_convnext_atto", "nn.Transformer", "custom"])
def test_init_module_follows_the_model(name):
    fn, args = build(name)
    random_names = random_entries(wt.deferred_init(fn, *args))
    torch.manual_seed(1)
    m = fn(*args)
    ids = {k: id(p) for k, p in m.named_parameters()}
    before = {k: v.clone() for k, v in m.state_dict().items()}
    wt.init_module(m, seed=0, rules=INIT_RULES.get(name))
    assert {k: id(p) for k, p in m.named_parameters()} == ids  # the same Parameter objects
    torch.manual_seed(2)
    ref = fn(*args)
    compare(m, ref, random_names)
    sd = m.state_dict()
    changed = {k for k in sd if not torch.equal(sd[k], before[k])}
    assert {k for k in sd if k in random_names} <= changed
    # init_module and materialize draw the same values for the same names
    if name in ("llama", "timm_vit_tiny", "custom"):
        d = wt.materialize(wt.deferred_init(fn, *args), seed=0).state_dict()
        for k, v in m.state_dict().items():
            assert torch.equal(v, d[k]), k


def test_init_module_refuses_params_without_init_code():
    m = timm.create_model("convnext_atto")
    before = m.stem[0].weight.detach().clone()
    with pytest.raises(ValueError, match=r"no init code .* writes: stages\.0\.blocks\.0\.gamma \(ConvNeXtBlock\)"):
        wt.init_module(m, seed=0)
    assert torch.equal(m.stem[0].weight, before)  # nothing written


def test_init_module_rules_win_over_model_init():
    fn, args = build("gpt2")
    m = fn(*args)
    wt.init_module(m, seed=0, rules={"*.c_fc.weight": "zeros", "lm_head.weight": None})
    assert (m.transformer.h[0].mlp.c_fc.weight == 0).all()
    assert m.transformer.h[0].attn.c_attn.weight.abs().sum() > 0
    w = m.transformer.wte.weight.detach().clone()  # tied to lm_head.weight, which the rule skips
    m2 = fn(*args)
    m2.transformer.wte.weight.data.copy_(w)
    wt.init_module(m2, seed=1, rules={"transformer.wte.weight": None})
    assert torch.equal(m2.transformer.wte.weight, w)


def test_init_module_deferred_refused():
    with pytest.raises(TypeError, match="materialize"):
        wt.init_module(wt.deferred_init(nn.Linear, 3, 3), seed=0)


def test_warnings_are_the_models_own():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        wt.materialize(wt.deferred_init(nn.Linear, 8, 8), seed=0)


def test_numpy_values_equal_winit_streams():
    m = wt.materialize(wt.deferred_init(nn.Linear, 30, 20), seed=4)
    bound = 1 / math.sqrt(30)
    np.testing.assert_array_equal(
        m.bias.detach().numpy(),
        wt.uniform_(torch.empty(20), -bound, bound, seed=4, name="bias").numpy())


# ------------------------------------------------------------------ shards as regions
def _chunks(n, k):
    """torch.chunk's split of n into k parts, as (start, stop): the last ones may be empty."""
    size = -(-n // k) if n else 0
    return [(min(i * size, n), min((i + 1) * size, n)) for i in range(k)]


@pytest.mark.parametrize("name", ["llama", "gpt2", "timm_vit_tiny", "nn.Transformer", "custom"])
def test_regions_equal_slices_of_the_whole(name):
    """Each tensor whose history is elementwise over slices is computed region by region
    (dim 0 and the last dim in 3 uneven chunks, and a 2-D block) equal to the slice of the whole."""
    fn, args = build(name)
    m = wt.deferred_init(fn, *args)
    groups = wt._groups(m)
    whole = wt.materialize(wt.deferred_init(fn, *args), seed=9).state_dict()
    alone = 0
    for owner, tape, key, prog, entries in groups:
        fake = entries[0][1]
        target = _deferred.Ref(fake)
        steps = _deferred.region_steps(tape, prog, target)
        if steps is None or entries[0][0][0] not in whole:
            continue
        alone += 1
        full = whole[entries[0][0][0]]
        shape = tuple(full.shape)
        regions = []
        if full.dim() >= 1:
            regions += [[c] + [(0, n) for n in shape[1:]] for c in _chunks(shape[0], 3)]
            regions += [[(0, n) for n in shape[:-1]] + [c] for c in _chunks(shape[-1], 3)]
        if full.dim() >= 2:
            regions.append([(1, max(1, shape[0] - 1)), (shape[1] // 3, shape[1])] + [(0, n) for n in shape[2:]])
        for region in regions:
            got = _deferred.Replay(tape, 9).run_region(steps, owner, target, region)
            want = full[tuple(slice(a, b) for a, b in region)]
            assert torch.equal(got, want), (owner, region)
    assert alone >= len(groups) // 2


def test_cast_after_deferred_init():
    """module.to(dtype) on the deferred (meta) module is the one change replayed: values cast."""
    m = wt.deferred_init(transformers.LlamaForCausalLM, llama_cfg())
    m.to(torch.bfloat16)
    wt.materialize(m, seed=0)
    ref = wt.materialize(wt.deferred_init(transformers.LlamaForCausalLM, llama_cfg()), seed=0)
    for (k, a), (_, b) in zip(m.state_dict().items(), ref.state_dict().items()):
        assert a.dtype == (torch.bfloat16 if b.is_floating_point() else b.dtype), k
        assert torch.equal(a, b.to(a.dtype)), k
