"""The `winit` command: `winit bench` (speed against numpy/torch, side by side),
`winit init` (a transformers model from its config to a seed checkpoint) and
`winit propagate` (activation scale through a deep MLP per scheme)."""
import argparse
import importlib
import sys

COMMANDS = {
    "bench": ("winit.bench", "measure fill speed against numpy (and torch) in one run"),
    "init": ("winit.init_checkpoint", "a transformers model from its config straight to a seed checkpoint"),
    "propagate": ("winit.propagate", "activation std per layer of a deep MLP, per init scheme"),
}


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="winit", description="winit: fast, reproducible weight initialization")
    parser.add_argument("command", choices=sorted(COMMANDS), help="; ".join("%s: %s" % (k, v[1]) for k, v in sorted(COMMANDS.items())))
    if not argv or argv[0] in ("-h", "--help"):
        parser.print_help()
        return 0 if argv else 2
    if argv[0] not in COMMANDS:
        parser.parse_args(argv[:1])  # prints the allowed commands and exits 2
    module = importlib.import_module(COMMANDS[argv[0]][0])
    return module.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
