"""How hard is the synthetic population? Base rate, oracle AUC and the share due to contagion.

Prints, for three as-of dates of a typical cohort (aged 10-25, any recorded event in the previous
two years): the cohort size, the 12-month serious-violence (suspect or victim) base rate, and the
AUC of oracles that know the true current hazard (latent risk, current state, contagion
exposure), the true future hazard, the current hazard without the network, network exposure
alone, and the static latent risk with age; then how much violence is due to contagion, and the
same figures with contagion switched off.

Usage: python benchmarks/synth_calibration.py [--people N] [--seed S] [--contagion C]
"""

from __future__ import annotations

import argparse

from vrurisk.data import simulate_population
from vrurisk.data._synth_difficulty import contagion_share, measure_difficulty


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--contagion", type=float, default=1.0)
    args = parser.parse_args()
    pop = simulate_population(
        args.people, seed=args.seed, contagion=args.contagion, keep_hazard=True
    )
    table = measure_difficulty(pop)
    print(f"{args.people:,} people, seed {args.seed}, contagion {args.contagion:g}")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"share of violent involvement attributable to contagion: {contagion_share(pop):.3f}")
    if args.contagion > 0:
        off = measure_difficulty(
            simulate_population(args.people, seed=args.seed, contagion=0.0, keep_hazard=True)
        )
        print(
            f"with contagion off: base rate {off['base_rate'].mean():.3f} "
            f"(on: {table['base_rate'].mean():.3f}), oracle AUC "
            f"{off['auc_oracle_current'].mean():.3f} (on: {table['auc_oracle_current'].mean():.3f})"
        )


if __name__ == "__main__":
    main()
