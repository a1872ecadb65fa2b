"""How long Matcher.match takes per message, next to plain fold() of the same messages.

Run: .venv/bin/python bench/nlu_match.py [--rounds N]
Prints mean and p99 microseconds per call for the matcher (warm: data loaded, token caches
filled by a first pass) and for fold() alone, so the figure can be read relative to the machine.
"""

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from partybot.dialogs.understanding import Matcher, load_corpus
from partybot.services.textnorm import fold

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus" / "messages.tsv"


def timings(func: Callable[[str], object], texts: list[str], rounds: int) -> list[float]:
    """Microseconds per call, one sample per call."""
    samples: list[float] = []
    clock = time.perf_counter_ns
    for _ in range(rounds):
        for text in texts:
            start = clock()
            func(text)
            samples.append((clock() - start) / 1000)
    return samples


def line(name: str, samples: list[float]) -> str:
    p99 = statistics.quantiles(samples, n=100)[98]
    return f"{name:<22} mean {statistics.fmean(samples):8.1f} us   p99 {p99:8.1f} us"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    texts = [row.text for row in load_corpus(CORPUS)]
    start = time.perf_counter()
    matcher = Matcher.default()
    built = (time.perf_counter() - start) * 1000
    for text in texts:  # warm the per-word caches (folding, spelling), as in a running bot
        matcher.match(text)
    base = timings(fold, texts, args.rounds)
    match = timings(matcher.match, texts, args.rounds)
    print(f"{len(texts)} corpus messages x {args.rounds} rounds; matcher built in {built:.0f} ms")
    print(line("fold() baseline", base))
    print(line("Matcher.match", match))
    print(f"match / fold (mean)    {statistics.fmean(match) / statistics.fmean(base):8.1f} x")


if __name__ == "__main__":
    main()
