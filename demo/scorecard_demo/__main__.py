"""``python -m scorecard_demo OUT_DIR``: write a demo landing and summarise it."""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from .generate import generate_landing


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", type=Path, help="an empty (or new) folder")
    parser.add_argument("--first-month", default="2010-04")
    parser.add_argument("--last-month", default="2012-03")
    parser.add_argument("--seed", type=int, default=2012)
    parser.add_argument("--districts", type=int, help="a made-up county of N districts")
    parser.add_argument("--workers", type=int, default=1, help="processes landing districts")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    manifest = generate_landing(
        args.out_dir, args.first_month, args.last_month, args.seed, args.districts, args.workers
    )
    seconds = time.perf_counter() - started
    rows = sum(f.data_rows for f in manifest.files)
    kinds = Counter(b.kind for b in manifest.bad_rows)
    print(f"{len(manifest.files)} files, {rows} rows in {args.out_dir} ({seconds:.1f} s)")
    print(f"{len(manifest.bad_rows)} bad rows: " + ", ".join(f"{k} {n}" for k, n in kinds.items()))
    for rejected in manifest.rejected_files:
        print(f"rejected whole: {rejected.path} ({rejected.reason})")
    for junk in manifest.junk_paths:
        print(f"junk: {junk.path} ({junk.reason})")


if __name__ == "__main__":
    main()
