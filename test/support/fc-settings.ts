/**
 * Shared fast-check settings for test/properties. Fixed seed and bounded runs, so CI is reproducible:
 *
 *   FC_RUNS=1000 npx vitest run test/properties    # more cases per property (default 100)
 *   FC_SEED=123 npx vitest run test/properties     # another seed (default 20261124)
 *
 * A failing property prints its seed and counterexample path; rerun with that FC_SEED to reproduce.
 */
export const runs = Number(process.env.FC_RUNS ?? 100);
export const seed = Number(process.env.FC_SEED ?? 20261124);

export const fcOptions = { seed, numRuns: runs } as const;
