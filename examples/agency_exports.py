"""Write synthetic agency exports and their mapping, for the README's worked ingest example.

    python examples/agency_exports.py exports [--people 5000] [--seed 0]

Police crimes with offence codes (CSV), A&E assaults (CSV), school exclusions (Excel), children's
social care referrals (CSV) and a people register (Excel), plus exports/mapping.yaml. Synthetic:
nothing here is real data.
"""

from __future__ import annotations

import argparse

from vrurisk.ingest import write_agency_exports


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    path = write_agency_exports(args.out, n_people=args.people, seed=args.seed)
    print(f"Wrote the exports and {path}")


if __name__ == "__main__":
    main()
