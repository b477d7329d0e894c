"""Processes of tests/test_sharded.py: ``python sharded_worker.py WORLD OUT.json``.

Starts WORLD processes with a ``gloo`` process group on this machine (a 60 s
timeout on every collective), shards deferred models with FSDP2 and tensor
parallelism, materializes them rank by rank, and has rank 0 compare every
``full_tensor()`` with the single-process ``materialize``.  Rank 0 writes what
it found to OUT.json; the test asserts on it.
"""
import datetime
import json
import os
import resource
import socket
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import torchvision_shim  # noqa: E402,F401

import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402
import torch.multiprocessing as mp  # noqa: E402
import torch.nn as nn  # noqa: E402

SEED = 21


def llama_cfg():
    import transformers

    # vocabulary, hidden and intermediate sizes not divisible by 2 or 4 where possible
    return transformers.LlamaConfig(num_hidden_layers=2, hidden_size=60, intermediate_size=130,
                                    num_attention_heads=6, num_key_value_heads=3, vocab_size=1001,
                                    tie_word_embeddings=False)


class Patchy(nn.Module):
    """Histories with partial writes: a padding row, timm's erfinv truncated normal, arithmetic
    on a slice, a parameter of odd shape, and an orthogonal init (needs the whole matrix)."""

    def __init__(self):
        super().__init__()
        from timm.layers import trunc_normal_

        self.emb = nn.Embedding(37, 10, padding_idx=5)
        self.w = nn.Parameter(torch.empty(13, 7))
        trunc_normal_(self.w, std=0.5)
        with torch.no_grad():
            self.w[2:9, 1:4].mul_(3.0).add_(0.25)
        self.q = nn.Parameter(torch.empty(9, 6))
        nn.init.orthogonal_(self.q)


def llama():
    import transformers

    return transformers.LlamaForCausalLM(llama_cfg())


def transformer():
    return nn.Transformer(24, 4, 1, 1, 50, batch_first=True)


BUILDERS = {"llama": llama, "nn.Transformer": transformer, "patchy": Patchy}


def shard(model_name, placement, model, world):
    from torch.distributed.device_mesh import init_device_mesh
    from torch.distributed.fsdp import fully_shard
    from torch.distributed.tensor.parallel import ColwiseParallel, RowwiseParallel, parallelize_module

    if placement == "fsdp2":
        mesh = init_device_mesh("cpu", (world,))
        for m in model.modules():
            if type(m).__name__ in ("LlamaDecoderLayer", "TransformerEncoderLayer", "TransformerDecoderLayer"):
                fully_shard(m, mesh=mesh)
        fully_shard(model, mesh=mesh)
        return
    if placement == "tp":
        mesh = init_device_mesh("cpu", (world,))
        tp_mesh, dp_mesh = mesh, None
    else:  # 2-D: (dp, tp)
        mesh = init_device_mesh("cpu", (2, world // 2), mesh_dim_names=("dp", "tp"))
        tp_mesh, dp_mesh = mesh["tp"], mesh["dp"]
    plan = {}
    for i in range(len(model.model.layers)):
        for n in ("q_proj", "k_proj", "v_proj"):
            plan[f"model.layers.{i}.self_attn.{n}"] = ColwiseParallel()
        plan[f"model.layers.{i}.self_attn.o_proj"] = RowwiseParallel()
        plan[f"model.layers.{i}.mlp.gate_proj"] = ColwiseParallel()
        plan[f"model.layers.{i}.mlp.up_proj"] = ColwiseParallel()
        plan[f"model.layers.{i}.mlp.down_proj"] = RowwiseParallel()
    plan["lm_head"] = ColwiseParallel()
    parallelize_module(model, tp_mesh, plan)
    if dp_mesh is not None:
        for layer in model.model.layers:
            fully_shard(layer, mesh=dp_mesh)
        fully_shard(model, mesh=dp_mesh)


def expected_local(dt):
    """The local shard's shape as torch.chunk places it (for Shard and Replicate placements)."""
    from winit.torch import _shard_indices

    return [len(ix) for ix in _shard_indices(dt)]


def scenarios(world):
    out = [("llama", "fsdp2"), ("llama", "tp"), ("nn.Transformer", "fsdp2"), ("patchy", "fsdp2")]
    if world == 4:
        out.append(("llama", "2d"))
    return out


def functions_case(world):
    """winit.torch's functions on DTensors: the local shard is the slice of the whole."""
    import winit.torch as wt
    from torch.distributed.device_mesh import init_device_mesh
    from torch.distributed.tensor import Replicate, Shard, distribute_tensor

    mesh = init_device_mesh("cpu", (world,))
    results = {}
    calls = {
        "normal_": lambda t: wt.normal_(t, 0.5, 2.0, seed=3, name="x"),
        "uniform_": lambda t: wt.uniform_(t, -1, 3, seed=3, name="x"),
        "trunc_normal_": lambda t: wt.trunc_normal_(t, std=0.3, seed=3, name="x"),
        "kaiming_uniform_": lambda t: wt.kaiming_uniform_(t, a=5 ** 0.5, seed=3, name="x"),
        "xavier_normal_": lambda t: wt.xavier_normal_(t, seed=3, name="x"),
        "orthogonal_": lambda t: wt.orthogonal_(t, seed=3, name="x"),
    }
    for placement in (Shard(0), Shard(1), Replicate()):
        for fname, call in calls.items():
            whole = call(torch.empty(11, 30))
            dt = distribute_tensor(torch.zeros(11, 30), mesh, [placement], src_data_rank=None)
            call(dt)
            results[f"{fname} {placement}"] = bool(torch.equal(dt.full_tensor(), whole))
    return results


def worker(rank, world, port, out_path):
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    dist.init_process_group("gloo", rank=rank, world_size=world, timeout=datetime.timedelta(seconds=60))
    import winit.torch as wt
    from winit import _deferred

    report = {"world": world, "cases": [], "functions": None}
    try:
        for model_name, placement in scenarios(world):
            _deferred.SHARDS.clear()
            model = wt.deferred_init(BUILDERS[model_name])
            shard(model_name, placement, model, world)
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            wt.materialize(model, seed=SEED)
            local_bytes, placed_right, params = 0, True, 0
            for _, p in model.named_parameters():
                local = p.to_local() if hasattr(p, "to_local") else p
                local_bytes += local.numel() * local.element_size()
                if hasattr(p, "to_local"):
                    params += 1
                    placed_right &= list(local.shape) == expected_local(p)
            full = {k: (v.full_tensor() if hasattr(v, "full_tensor") else v)
                    for k, v in model.state_dict().items()}
            case = {"model": model_name, "placement": placement, "alone": _deferred.SHARDS["alone"],
                    "whole": _deferred.SHARDS["whole"], "local_bytes": local_bytes,
                    "placed_right": bool(placed_right), "dtensors": params,
                    "peak_growth_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before}
            if rank == 0:
                ref = wt.materialize(wt.deferred_init(BUILDERS[model_name]), seed=SEED).state_dict()
                case["keys_equal"] = sorted(ref) == sorted(full)
                case["differ"] = [k for k in ref if not torch.equal(ref[k], full[k])]
                case["total_bytes"] = sum(v.numel() * v.element_size() for v in ref.values())
            report["cases"].append(case)
        report["functions"] = functions_case(world)
        dist.barrier()
    finally:
        if rank == 0:
            with open(out_path, "w") as f:
                json.dump(report, f)
        dist.destroy_process_group()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    world, out_path = int(sys.argv[1]), sys.argv[2]
    torch.set_num_threads(1)
    mp.spawn(worker, args=(world, free_port(), out_path), nprocs=world, join=True)
