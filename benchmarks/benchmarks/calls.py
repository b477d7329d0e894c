"""Whole calls: the allocating he_normal 4096x4096 scheme call and 1,000-element calls."""
import math

import numpy as np

from ._common import buffer, import_torch, numpy_fill, skip, torch_fill, winit_fill

HE_SHAPE = (4096, 4096)
SMALL = 1000


class SchemeAlloc:
    """he_normal 4096x4096 float32, allocating (page faults included, as a user sees it).

    winit: winit.he_normal(shape, seed=0) (or winit.init("he_normal", ...));
    numpy: rng.standard_normal(shape, dtype=float32) * std;
    torch: torch.nn.init.kaiming_normal_(torch.empty(shape))."""

    params = [["winit", "numpy", "torch"]]
    param_names = ["peer"]
    repeat = (3, 10, 5.0)
    warmup_time = 0.0

    def setup(self, peer):
        if peer == "winit":
            import winit

            if hasattr(winit, "he_normal"):
                self.call = lambda: winit.he_normal(HE_SHAPE, seed=0)
            elif hasattr(winit, "init"):
                self.call = lambda: winit.init("he_normal", HE_SHAPE, seed=0)
            else:
                skip("this winit has no he_normal scheme")
        elif peer == "numpy":
            rng = np.random.default_rng(12345)
            std = math.sqrt(2.0 / HE_SHAPE[1])
            self.call = lambda: rng.standard_normal(HE_SHAPE, dtype=np.float32) * std
        else:
            torch = import_torch()
            self.call = lambda: torch.nn.init.kaiming_normal_(torch.empty(*HE_SHAPE))
        self.call()  # warm-up

    def time_he_normal(self, peer):
        self.call()


class SmallCall:
    """1,000 float32 elements per call: the fixed cost of a call (argument checks, dispatch,
    no thread wake-up).  mode 'out' fills a pre-faulted buffer, 'alloc' returns a new array
    (winit.normal(1000, seed=0), rng.standard_normal(1000, dtype=float32),
    torch.empty(1000).normal_())."""

    params = [["winit", "numpy", "torch"], ["normal", "uniform", "truncated"], ["out", "alloc"]]
    param_names = ["peer", "dist", "mode"]
    repeat = (20, 400, 1.0)
    warmup_time = 0.05

    def setup(self, peer, dist, mode):
        if mode == "out":
            make = {"winit": lambda: winit_fill(dist, None), "numpy": lambda: numpy_fill(dist, "float32"),
                    "torch": lambda: torch_fill(dist)}[peer]()
            self.call = make(buffer("float32", SMALL))
        elif peer == "winit":
            import winit

            f = getattr(winit, {"normal": "normal", "uniform": "uniform", "truncated": "truncated_normal"}[dist])
            self.call = lambda: f(SMALL, seed=0)
        elif peer == "numpy":
            rng = np.random.default_rng(12345)
            if dist == "uniform":
                self.call = lambda: rng.random(SMALL, dtype=np.float32)
            else:
                self.call = lambda: rng.standard_normal(SMALL, dtype=np.float32)
        else:
            torch = import_torch()
            if dist == "normal":
                self.call = lambda: torch.empty(SMALL).normal_()
            elif dist == "uniform":
                self.call = lambda: torch.empty(SMALL).uniform_()
            else:
                init = torch.nn.init.trunc_normal_
                self.call = lambda: init(torch.empty(SMALL), 0.0, 1.0, -2.0, 2.0)
        self.call()

    def time_call(self, peer, dist, mode):
        self.call()


# A 168M-parameter Llama (8 layers, hidden 1024, vocabulary 32000).
LLAMA_168M = dict(num_hidden_layers=8, hidden_size=1024, intermediate_size=2816,
                  num_attention_heads=16, vocab_size=32000)


class ModelBuild:
    """A 168M-parameter LlamaForCausalLM with its own init, float32, all cores.

    winit: winit.torch.materialize(winit.torch.deferred_init(LlamaForCausalLM, config), seed=0);
    torch: LlamaForCausalLM(config), torch on all cores (nn.Linear's kaiming pass, then
    transformers' _init_weights).  Needs torch and transformers (run with --python=same)."""

    params = [["winit", "torch"]]
    param_names = ["peer"]
    number = 1
    repeat = (2, 5, 20.0)
    warmup_time = 0.0
    timeout = 600

    def setup(self, peer):
        torch = import_torch()
        try:
            import transformers

            cfg = transformers.LlamaConfig(**LLAMA_168M)
            build = transformers.LlamaForCausalLM
        except Exception as e:  # absent, or a broken import
            skip("transformers not importable: %s" % e)
        n = all_threads()
        if peer == "winit":
            try:
                from winit.torch import deferred_init, materialize
            except ImportError:
                skip("this winit has no deferred_init")
            self.call = lambda: materialize(deferred_init(build, cfg), seed=0, threads=n)
        else:
            torch.set_num_threads(n)
            self.call = lambda: build(cfg)
        self.call()  # warm-up

    def time_build(self, peer):
        self.call()
