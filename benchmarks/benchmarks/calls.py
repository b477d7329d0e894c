"""Whole calls: the allocating he_normal 4096x4096 scheme call, 1,000-element calls and a
Llama model build; the calls are winit/_peers.py's, the ones `winit bench` runs."""
from ._common import asv_setup, peers, skip


class SchemeAlloc:
    """he_normal 4096x4096 float32, allocating (page faults included, as a user sees it).

    winit: winit.he_normal(shape, seed=0) (or winit.init("he_normal", ...));
    numpy: rng.standard_normal(shape, dtype=float32) * std;
    torch: torch.nn.init.kaiming_normal_(torch.empty(shape))."""

    params = [["winit", "numpy", "torch"]]
    param_names = ["peer"]
    repeat = (3, 10, 5.0)
    warmup_time = 0.0

    @asv_setup
    def setup(self, peer):
        self.call = peers.he_normal_call(peer, peers.HE_SHAPE)[0]
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

    @asv_setup
    def setup(self, peer, dist, mode):
        if mode == "out":  # winit on its default thread count
            self.call = peers.peer_fill(peer, dist, peers.buffer("float32", peers.SMALL_N))[0]
        else:
            self.call = peers.alloc_call(peer, dist, peers.SMALL_N)[0]
        self.call()

    def time_call(self, peer, dist, mode):
        self.call()


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

    @asv_setup
    def setup(self, peer):
        case, why = peers.llama_build_spec(peers.import_torch(), peers.all_threads(), quick=False)
        if case is None:
            skip(why)
        self.call = case.fns[peer]
        self.call()  # warm-up

    def time_build(self, peer):
        self.call()
