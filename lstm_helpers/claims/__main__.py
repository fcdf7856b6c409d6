"""``python -m lstm_helpers.claims``: run the claims ledger and print it.

    python -m lstm_helpers.claims                      # every claim, as a table (progress bar on stderr)
    python -m lstm_helpers.claims --json               # a JSON list of objects: id, slide, section, notebook,
                                                       #   heading, verdict, condition, value, seeds, agree, note
    python -m lstm_helpers.claims --only three-gates cat-15-words
    python -m lstm_helpers.claims --list               # the ids and the slides' words, nothing measured

Bad options or an unknown id: a message (listing the valid ids) on stderr, exit status 2. Run it with one BLAS
thread (``OPENBLAS_NUM_THREADS=1``, as ``make`` does) to get the digits notebook 12 stores; the verdicts are
the same either way.
"""
from __future__ import annotations

import argparse
import json
import sys

from .catalog import CLAIMS, claim_ids, run_ledger, unknown_ids_message
from .report import text_table


class Parser(argparse.ArgumentParser):
    """argparse, whose error message (exit status 2) also lists the valid claim ids."""

    def error(self, message):
        if "valid ids" not in message:
            message += f". The valid claim ids are: {', '.join(claim_ids())}."
        super().error(message)


def parser() -> argparse.ArgumentParser:
    p = Parser(prog="python -m lstm_helpers.claims",
               description="The slides' claims, each measured by the series, with a verdict.")
    p.add_argument("--json", action="store_true", help="print a JSON list of objects instead of the table")
    p.add_argument("--only", nargs="+", metavar="ID", help="run only these claims (see --list for the ids)")
    p.add_argument("--list", action="store_true", help="list the claim ids and the slides' words; measure nothing")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    return p


def main(argv=None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if args.list:
        for c in CLAIMS:
            print(f"{c.id:30s} {c.slide}")
        return 0
    if args.only is not None:
        unknown = [i for i in args.only if i not in claim_ids()]
        if unknown:
            p.error(unknown_ids_message(unknown))               # exit status 2
    results = run_ledger(args.only, progress=not args.no_progress)
    if args.json:
        print(json.dumps([r.as_dict() for r in results], indent=1, ensure_ascii=False))
    else:
        print(text_table(results), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
