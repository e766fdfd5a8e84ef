import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Measures how the cost of a piece of work grows when its input doubles, inside one test. The
 * inputs n/2 and 2n are built first (two doublings: a single one is within reach of cache and
 * garbage-collector effects on a shared 2-core machine, where one doubling of a linear cost was
 * once measured at 3.3x), each run is warmed up, the heap is collected before every timed run so
 * one size does not pay for the garbage of the other, the runs alternate so that load from other
 * processes hits both sizes alike, and CPU time (not wall time) is measured. The fastest of several
 * runs is kept for each size (interference only ever adds time). The answer is the factor per
 * doubling (the square root of the 4x ratio): near 2 for a linear cost, near 4 for a quadratic one.
 */
export function doublingRatio<T>(make: (n: number) => T, run: (input: T) => unknown, n: number, reps = 5): number {
  const small = make(Math.max(1, Math.round(n / 2)));
  const large = make(2 * n);
  run(small);
  run(large);
  let best = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 8 && best >= LINEAR_BOUND; attempt++) best = Math.min(best, Math.sqrt(measure(small, large, run, reps)));
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

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** CPU time of the process (not wall time): time spent descheduled on a busy machine does not count. */
function timed(f: () => unknown): number {
  collect();
  const start = process.cpuUsage();
  f();
  const d = process.cpuUsage(start);
  return d.user + d.system;
}

/** Per doubling: the geometric middle of linear (2x) and quadratic (4x). */
export const LINEAR_BOUND = 2 * Math.SQRT2;
