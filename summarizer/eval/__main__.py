"""``python -m summarizer.eval``: the same command as ``summarizer eval`` (one parser, one set of flags,
the same exit codes).

python -m summarizer.eval --backends none,llama --out eval-report --check-floors
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from summarizer.cli import main as cli_main


def main(argv: Sequence[str] | None = None) -> int:
    return cli_main(["eval", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    raise SystemExit(main())
