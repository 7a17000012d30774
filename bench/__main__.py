"""Run every benchmark (or those named on the command line): `python -m bench [calendar ...]`."""

import importlib
import pkgutil
import sys

import bench


def main(argv: list[str]) -> None:
    names = sorted(m.name[len("bench_") :] for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    chosen = argv or names
    for name in chosen:
        if name not in names:
            raise SystemExit(f"unknown benchmark {name!r}; choose from {', '.join(names)}")
        module = importlib.import_module(f"bench.bench_{name}")
        print(f"\n== {name}: {(module.__doc__ or '').strip().splitlines()[0]}")
        module.run()


if __name__ == "__main__":
    main(sys.argv[1:])
