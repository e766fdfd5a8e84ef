/**
 * Measures how the cost of a piece of work grows when its input doubles, inside one test: both
 * inputs are built first, each run is warmed up, the runs alternate so that load from other
 * processes hits both sizes alike, and CPU time (not wall time) is measured. The fastest of several
 * runs is kept for each size (interference only ever adds time). A linear cost gives a ratio near
 * 2, a quadratic one near 4.
 */
export function doublingRatio<T>(make: (n: number) => T, run: (input: T) => unknown, n: number, reps = 5): number {
  const small = make(n);
  const large = make(2 * n);
  run(small);
  run(large);
  // Cache and garbage-collector effects can make one measurement look worse than the algorithm
  // is; a super-linear cost shows in every attempt, so the best of up to eight attempts is kept.
  let best = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 8 && best >= LINEAR_BOUND; attempt++) best = Math.min(best, measure(small, large, run, reps));
  return best;
}

function measure<T>(small: T, large: T, run: (input: T) => unknown, reps: number): number {
  let bestSmall = Number.POSITIVE_INFINITY;
  let bestLarge = Number.POSITIVE_INFINITY;
  for (let i = 0; i < reps; i++) {
    bestSmall = Math.min(bestSmall, timed(() => run(small)));
    bestLarge = Math.min(bestLarge, timed(() => run(large)));
  }
  return bestLarge / bestSmall;
}

/** CPU time of the process (not wall time): time spent descheduled on a busy machine does not count. */
function timed(f: () => unknown): number {
  const start = process.cpuUsage();
  f();
  const d = process.cpuUsage(start);
  return d.user + d.system;
}

/** "About 2x": generous for a loaded machine, still far below the 4x of a quadratic cost. */
export const LINEAR_BOUND = 3;
