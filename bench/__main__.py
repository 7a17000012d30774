"""Run every benchmark (or those named on the command line): `python -m bench [calendar ...]`.

`python -m bench profile [--requests N] [--top N]` runs the per-request page profile
(bench/profile_pages.py) instead; it is a diagnostic, not a benchmark, so "all" leaves it out.

Prints each benchmark's table and writes the figures they return to var/bench-results.json.
"""

import datetime as dt
import importlib
import json
import pkgutil
import sys
from pathlib import Path

import bench


def main(argv: list[str]) -> None:
    if argv[:1] == ["profile"]:
        from bench import profile_pages

        sys.argv = ["bench.profile_pages", *argv[1:]]
        profile_pages.main()
        return
    names = sorted(m.name[len("bench_") :] for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    chosen = argv or names
    results: dict = {}
    for name in chosen:
        if name not in names:
            raise SystemExit(f"unknown benchmark {name!r}; choose from {', '.join(names)}")
        module = importlib.import_module(f"bench.bench_{name}")
        print(f"\n== {name}: {(module.__doc__ or '').strip().splitlines()[0]}", flush=True)
        figures = module.run()
        if figures:
            results[name] = figures
    out = Path(__file__).resolve().parent.parent / "var" / "bench-results.json"
    out.parent.mkdir(exist_ok=True)
    previous = json.loads(out.read_text()) if out.exists() else {}
    previous.update({k: {"at": dt.datetime.now(dt.UTC).isoformat(), "figures": v} for k, v in results.items()})
    out.write_text(json.dumps(previous, ensure_ascii=False, indent=1, default=str))
    print(f"\nfigures written to {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
