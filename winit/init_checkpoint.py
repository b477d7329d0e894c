"""`winit init`: a transformers model from its config, straight to a seed checkpoint.

    winit init --hf-config CONFIG.json_or_dir --out DIR --seed S [--dtype bfloat16] [--max-shard-size 5GB]

The model is built with :func:`winit.torch.deferred_init` (no storage, its own
init code recorded) and written by :func:`winit.torch.save_safetensors` one
tensor at a time, with a progress bar: ``DIR`` then holds ``config.json`` and
the safetensors file(s) that ``from_pretrained(DIR)`` loads.  Bad input gets
one line on stderr and exit status 2; nothing is left under a final name by a
run that fails.
"""
import argparse
import json
import os
import sys


class InputError(ValueError):
    """Bad command-line input, said in one line."""


def _load_config(path):
    import transformers

    file = os.path.join(path, "config.json") if os.path.isdir(path) else path
    if not os.path.exists(file):
        raise InputError(f"--hf-config: no such file: {file}")
    try:
        with open(file, encoding="utf-8") as f:
            data = json.load(f)
    except json.JSONDecodeError as e:
        raise InputError(f"--hf-config: {file} is not valid JSON ({e.msg} at line {e.lineno})") from None
    if not isinstance(data, dict) or not isinstance(data.get("model_type"), str):
        raise InputError(f"--hf-config: {file} has no \"model_type\" (a transformers config.json has one)")
    try:
        config = transformers.AutoConfig.for_model(**data)
    except (ValueError, KeyError) as e:
        raise InputError(f"--hf-config: unknown model_type {data['model_type']!r} "
                         f"({str(e).splitlines()[0]})") from None
    return config, data


def _builder(config, data, architecture):
    """The callable that builds the model: the config's architecture, else a causal LM, else the base model."""
    import transformers

    arch = architecture or (data.get("architectures") or [None])[0]
    if arch is not None:
        cls = getattr(transformers, arch, None) if arch.isidentifier() else None
        if not isinstance(cls, type) or not hasattr(cls, "config_class"):
            raise InputError(f"unknown architecture {arch!r}: not a model class of transformers "
                             f"{transformers.__version__}")
        return arch, cls
    for auto in (transformers.AutoModelForCausalLM, transformers.AutoModel):
        try:
            auto._model_mapping[type(config)]
        except KeyError:
            continue
        return auto.__name__, auto.from_config
    raise InputError(f"no model class for model_type {data['model_type']!r}; give --architecture")


def parser():
    p = argparse.ArgumentParser(
        prog="winit init",
        description="Build a transformers model from its config without storage and write a seed "
                    "checkpoint (safetensors + config.json) with the model's own init on winit's streams.")
    p.add_argument("--hf-config", required=True, metavar="CONFIG",
                   help="a transformers config.json, or a folder that holds one")
    p.add_argument("--out", required=True, metavar="DIR", help="the checkpoint folder (created if missing)")
    p.add_argument("--seed", required=True, type=int, help="an integer in [0, 2**64)")
    p.add_argument("--dtype", choices=["float32", "float16", "bfloat16", "float64"],
                   help="cast floating tensors as they are written (default: the model's dtype)")
    p.add_argument("--max-shard-size", metavar="SIZE",
                   help="split into shards of at most SIZE (e.g. 5GB, 500MB, 2GiB) with an index file")
    p.add_argument("--architecture", metavar="CLASS",
                   help="transformers model class (default: the config's architectures[0], "
                        "else AutoModelForCausalLM, else AutoModel)")
    p.add_argument("--threads", type=int, default=None, help="threads for the random fills (default: all)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    return p


def run(args):
    import winit.torch as wt

    from ._validate import check_seed

    try:
        check_seed(args.seed)
    except (ValueError, TypeError) as e:
        raise InputError(f"--seed: {e}") from None
    if os.path.exists(args.out) and not os.path.isdir(args.out):
        raise InputError(f"--out: {args.out} exists and is not a folder")
    try:
        size = None if args.max_shard_size is None else \
            __import__("winit._safetensors", fromlist=["parse_size"]).parse_size(args.max_shard_size)
    except (ValueError, TypeError) as e:
        raise InputError(f"--max-shard-size: {e}") from None
    config, data = _load_config(args.hf_config)
    arch, build = _builder(config, data, args.architecture)
    model = wt.deferred_init(build, config)
    wt.save_safetensors(model, args.out, args.seed, dtype=args.dtype, max_shard_size=size,
                        progress=not args.no_progress, threads=args.threads)
    n = sum(p.numel() for p in model.state_dict().values())
    return f"wrote {args.out}: {arch}, {n:,} values, seed {args.seed}"


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        print(run(args))
    except KeyboardInterrupt:
        print("winit init: interrupted; no checkpoint written", file=sys.stderr)
        return 130
    except (ValueError, TypeError, OSError, ImportError) as e:
        msg = " ".join(str(e).split())
        print(f"winit init: error: {msg}", file=sys.stderr)
        return 2
    return 0
