/**
 * Descriptive statistics and Student-t inference for the report: means,
 * sample standard deviations, 95% confidence intervals and paired
 * comparisons of two methods over matched seeds.
 *
 * Everything is computed in plain double precision from values given in a
 * fixed order, so the same inputs give the same bits. Quantities that are
 * undefined (a standard deviation of one value, a confidence interval from one
 * pair) are `undefined`, never `NaN`, so that they can be written as empty
 * cells.
 *
 * @module
 */

/**
 * Natural logarithm of the gamma function for `x > 0`: the recurrence
 * ln Γ(x) = ln Γ(x + 1) - ln x shifts `x` to at least 15, where Stirling's
 * series (seven correction terms) is accurate to double precision.
 */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  let shift = 0;
  let shifted = x;
  while (shifted < 15) {
    shift += Math.log(shifted);
    shifted += 1;
  }
  const inverse = 1 / shifted;
  const inverseSquared = inverse * inverse;
  // Bernoulli-number terms B_2k / (2k (2k - 1) x^(2k - 1)), Horner form.
  const correction = inverse *
    (1 / 12 +
      inverseSquared *
        (-1 / 360 +
          inverseSquared *
            (1 / 1260 +
              inverseSquared *
                (-1 / 1680 +
                  inverseSquared *
                    (1 / 1188 + inverseSquared * (-691 / 360360 + inverseSquared / 156))))));
  return (shifted - 0.5) * Math.log(shifted) - shifted + 0.5 * Math.log(2 * Math.PI) +
    correction - shift;
}

/** Continued fraction of the incomplete beta function (modified Lentz method). */
function incompleteBetaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const tolerance = 1e-15;
  const sum = a + b;
  const aPlusOne = a + 1;
  const aMinusOne = a - 1;
  let c = 1;
  let d = 1 - (sum * x) / aPlusOne;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let fraction = d;
  for (let m = 1; m <= 500; m++) {
    const twoM = 2 * m;
    // Even step of the continued fraction.
    let coefficient = (m * (b - m) * x) / ((aMinusOne + twoM) * (a + twoM));
    d = 1 + coefficient * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + coefficient / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    fraction *= d * c;
    // Odd step.
    coefficient = -((a + m) * (sum + m) * x) / ((a + twoM) * (aPlusOne + twoM));
    d = 1 + coefficient * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + coefficient / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    fraction *= delta;
    if (Math.abs(delta - 1) < tolerance) break;
  }
  return fraction;
}

/**
 * Regularized incomplete beta function I_x(a, b) for `0 <= x <= 1`,
 * `a, b > 0`.
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) throw new RangeError(`incomplete beta needs a, b > 0`);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`incomplete beta needs 0 <= x <= 1, got ${x}`);
  if (x === 0) return 0;
  if (x === 1) return 1;
  const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) +
    b * Math.log(1 - x);
  const front = Math.exp(logFront);
  // The continued fraction converges fast only on this side of the mean.
  if (x < (a + 1) / (a + b + 2)) {
    return (front * incompleteBetaContinuedFraction(x, a, b)) / a;
  }
  return 1 - (front * incompleteBetaContinuedFraction(1 - x, b, a)) / b;
}

/** Cumulative distribution function of Student's t with `degreesOfFreedom > 0`. */
export function studentTCdf(t: number, degreesOfFreedom: number): number {
  if (!(degreesOfFreedom > 0)) {
    throw new RangeError(`degrees of freedom must be > 0, got ${degreesOfFreedom}`);
  }
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const x = degreesOfFreedom / (degreesOfFreedom + t * t);
  const tail = 0.5 * regularizedIncompleteBeta(x, degreesOfFreedom / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * Two-sided p-value of a t statistic: the probability that |T| >= |t| for
 * T ~ Student-t with the given degrees of freedom.
 */
export function studentTTwoSidedPValue(t: number, degreesOfFreedom: number): number {
  if (!(degreesOfFreedom > 0)) {
    throw new RangeError(`degrees of freedom must be > 0, got ${degreesOfFreedom}`);
  }
  if (!Number.isFinite(t)) return 0;
  const x = degreesOfFreedom / (degreesOfFreedom + t * t);
  return regularizedIncompleteBeta(x, degreesOfFreedom / 2, 0.5);
}

/**
 * Quantile of Student's t: the `t` with `studentTCdf(t, df) = probability`.
 * Found by bisection on the exact CDF, so it holds for any degrees of
 * freedom (e.g. 12.706 for `(0.975, 1)`, 2.262 for `(0.975, 9)`).
 */
export function studentTQuantile(probability: number, degreesOfFreedom: number): number {
  if (!(probability > 0 && probability < 1)) {
    throw new RangeError(`probability must be in (0, 1), got ${probability}`);
  }
  if (!(degreesOfFreedom > 0)) {
    throw new RangeError(`degrees of freedom must be > 0, got ${degreesOfFreedom}`);
  }
  if (probability === 0.5) return 0;
  if (probability < 0.5) return -studentTQuantile(1 - probability, degreesOfFreedom);
  let low = 0;
  let high = 1;
  while (studentTCdf(high, degreesOfFreedom) < probability) {
    low = high;
    high *= 2;
    if (high > 1e300) return Infinity;
  }
  for (let iteration = 0; iteration < 200; iteration++) {
    const middle = (low + high) / 2;
    if (middle === low || middle === high) break;
    if (studentTCdf(middle, degreesOfFreedom) < probability) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/** Arithmetic mean, or `undefined` for no values. */
export function mean(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** Sample standard deviation (n - 1 denominator), or `undefined` for fewer than two values. */
export function sampleStandardDeviation(values: readonly number[]): number | undefined {
  if (values.length < 2) return undefined;
  const average = mean(values) as number;
  let squares = 0;
  for (const value of values) squares += (value - average) * (value - average);
  return Math.sqrt(squares / (values.length - 1));
}

/** Mean, spread and 95% confidence interval of a sample. */
export interface SampleSummary {
  /** Number of values. */
  n: number;
  /** Mean; `undefined` when `n` is 0. */
  mean: number | undefined;
  /** Sample standard deviation; `undefined` when `n < 2`. */
  standardDeviation: number | undefined;
  /** Lower end of the Student-t 95% interval of the mean; `undefined` when `n < 2`. */
  ci95Low: number | undefined;
  /** Upper end of the Student-t 95% interval of the mean; `undefined` when `n < 2`. */
  ci95High: number | undefined;
}

/** Half-width of the Student-t 95% interval of a mean. */
function ci95HalfWidth(standardDeviation: number, n: number): number {
  return (studentTQuantile(0.975, n - 1) * standardDeviation) / Math.sqrt(n);
}

/** Summarises a sample: n, mean, sample standard deviation and Student-t 95% CI. */
export function summarize(values: readonly number[]): SampleSummary {
  const average = mean(values);
  const standardDeviation = sampleStandardDeviation(values);
  if (average === undefined || standardDeviation === undefined) {
    return {
      n: values.length,
      mean: average,
      standardDeviation,
      ci95Low: undefined,
      ci95High: undefined,
    };
  }
  const halfWidth = ci95HalfWidth(standardDeviation, values.length);
  return {
    n: values.length,
    mean: average,
    standardDeviation,
    ci95Low: average - halfWidth,
    ci95High: average + halfWidth,
  };
}

/** One matched pair: the same dataset, model, sparsity and seed under two methods. */
export interface MatchedPair {
  /** Value of the first method. */
  first: number;
  /** Value of the second method. */
  second: number;
}

/** Paired comparison of two methods; differences are `first - second`. */
export interface PairedComparison {
  /** Number of pairs. */
  pairs: number;
  /** Mean of `first - second`; `undefined` with no pairs. */
  meanDifference: number | undefined;
  /** Sample standard deviation of the differences; `undefined` with fewer than two pairs. */
  standardDeviation: number | undefined;
  /** Lower end of the 95% CI of the mean difference; `undefined` with fewer than two pairs. */
  ci95Low: number | undefined;
  /** Upper end of the 95% CI of the mean difference; `undefined` with fewer than two pairs. */
  ci95High: number | undefined;
  /**
   * Paired t statistic; `undefined` with fewer than two pairs. When every
   * difference is equal it is 0 (all zero) or ±Infinity (all equal, non-zero).
   */
  tStatistic: number | undefined;
  /** Two-sided p-value of the paired t test; `undefined` with fewer than two pairs. */
  pValue: number | undefined;
  /** Pairs where `first > second`. */
  firstHigher: number;
  /** Pairs where `first < second`. */
  firstLower: number;
  /** Pairs where `first === second`. */
  ties: number;
}

/**
 * Paired Student-t comparison of two methods over matched pairs: mean
 * difference (`first - second`), its 95% CI, t statistic, two-sided p-value
 * and the counts of pairs each way.
 */
export function comparePaired(pairs: readonly MatchedPair[]): PairedComparison {
  const differences = pairs.map((pair) => pair.first - pair.second);
  let firstHigher = 0;
  let firstLower = 0;
  let ties = 0;
  for (const difference of differences) {
    if (difference > 0) firstHigher++;
    else if (difference < 0) firstLower++;
    else ties++;
  }
  const summary = summarize(differences);
  const base = {
    pairs: differences.length,
    meanDifference: summary.mean,
    standardDeviation: summary.standardDeviation,
    ci95Low: summary.ci95Low,
    ci95High: summary.ci95High,
    firstHigher,
    firstLower,
    ties,
  };
  if (summary.mean === undefined || summary.standardDeviation === undefined) {
    return { ...base, tStatistic: undefined, pValue: undefined };
  }
  if (summary.standardDeviation === 0) {
    // Identical differences: no sampling noise, so the evidence is exact.
    if (summary.mean === 0) return { ...base, tStatistic: 0, pValue: 1 };
    return { ...base, tStatistic: summary.mean > 0 ? Infinity : -Infinity, pValue: 0 };
  }
  const tStatistic = summary.mean / (summary.standardDeviation / Math.sqrt(differences.length));
  return {
    ...base,
    tStatistic,
    pValue: studentTTwoSidedPValue(tStatistic, differences.length - 1),
  };
}

/**
 * Upper tail of Student's t, `P(T >= t)`: by symmetry the CDF at `-t`, which
 * takes it from the incomplete beta function directly (not as `1 - cdf`), so
 * that small tail probabilities keep their precision.
 */
export function studentTUpperTail(t: number, degreesOfFreedom: number): number {
  return studentTCdf(-t, degreesOfFreedom);
}

/**
 * Holm-Bonferroni adjusted p-values, in the order given: sorted ascending,
 * the i-th smallest of m becomes `max over j <= i of min(1, (m - j + 1) p_(j))`.
 * Comparing an adjusted p-value with α rejects exactly the hypotheses Holm's
 * step-down procedure rejects at family-wise error rate α. `undefined`
 * entries (untestable comparisons) are not part of the family and stay
 * `undefined`.
 */
export function holmAdjust(pValues: readonly (number | undefined)[]): (number | undefined)[] {
  const tested = pValues
    .map((value, index) => ({ value, index }))
    .filter((entry): entry is { value: number; index: number } => entry.value !== undefined)
    // Ties keep their input order, so equal inputs give equal outputs.
    .sort((left, right) => left.value - right.value || left.index - right.index);
  const adjusted: (number | undefined)[] = pValues.map(() => undefined);
  let running = 0;
  tested.forEach((entry, rank) => {
    running = Math.max(running, Math.min(1, (tested.length - rank) * entry.value));
    adjusted[entry.index] = running;
  });
  return adjusted;
}

/**
 * Smallest true paired mean difference a two-sided paired t test at level
 * `alpha` detects with probability `power`, given `n` pairs whose
 * differences have standard deviation `standardDeviation`:
 * `(t(1 - alpha/2, n-1) + t(power, n-1)) * sd / sqrt(n)` (the usual
 * approximation of the noncentral t by a shifted central t).
 * `undefined` with fewer than two pairs (nothing can be detected).
 */
export function minimumDetectableDifference(
  standardDeviation: number | undefined,
  n: number,
  alpha: number,
  power: number,
): number | undefined {
  if (standardDeviation === undefined || n < 2) return undefined;
  const degreesOfFreedom = n - 1;
  return ((studentTQuantile(1 - alpha / 2, degreesOfFreedom) +
    studentTQuantile(power, degreesOfFreedom)) * standardDeviation) / Math.sqrt(n);
}

/**
 * Smallest equivalence margin that two one-sided tests at level `alpha`
 * establish with probability `power` when the true difference is 0:
 * `(t(1 - alpha, n-1) + t(1 - (1 - power)/2, n-1)) * sd / sqrt(n)`.
 * `undefined` with fewer than two pairs.
 */
export function minimumEquivalenceMargin(
  standardDeviation: number | undefined,
  n: number,
  alpha: number,
  power: number,
): number | undefined {
  if (standardDeviation === undefined || n < 2) return undefined;
  const degreesOfFreedom = n - 1;
  return ((studentTQuantile(1 - alpha, degreesOfFreedom) +
    studentTQuantile(1 - (1 - power) / 2, degreesOfFreedom)) * standardDeviation) /
    Math.sqrt(n);
}

/** Two one-sided tests (TOST) of a paired mean difference against `±margin`. */
export interface EquivalenceTest {
  /** The margin tested against. */
  margin: number;
  /** Lower end of the 90% CI of the mean difference (TOST at 5% uses this interval). */
  ci90Low: number;
  /** Upper end of the 90% CI of the mean difference. */
  ci90High: number;
  /**
   * TOST p-value: the larger of the one-sided p-values against "difference
   * <= -margin" and "difference >= margin". Below α means equivalent.
   */
  pValue: number;
  /**
   * p-value that the difference lies beyond the margin on the side of the
   * observed mean: the one-sided test against "|difference| <= margin" on
   * that side, doubled because the side was chosen after seeing the data.
   */
  beyondMarginPValue: number;
}

/**
 * TOST equivalence test of a paired comparison against `±margin`;
 * `undefined` with fewer than two pairs. With no spread (identical
 * differences) the evidence is exact: p = 0 on the side the mean lies, 1 on
 * the other.
 */
export function equivalenceTest(
  comparison: PairedComparison,
  margin: number,
): EquivalenceTest | undefined {
  const average = comparison.meanDifference;
  const standardDeviation = comparison.standardDeviation;
  if (average === undefined || standardDeviation === undefined) return undefined;
  if (standardDeviation === 0) {
    const inside = Math.abs(average) < margin;
    const outside = Math.abs(average) > margin;
    return {
      margin,
      ci90Low: average,
      ci90High: average,
      pValue: inside ? 0 : 1,
      beyondMarginPValue: outside ? 0 : 1,
    };
  }
  const degreesOfFreedom = comparison.pairs - 1;
  const standardError = standardDeviation / Math.sqrt(comparison.pairs);
  const halfWidth = studentTQuantile(0.95, degreesOfFreedom) * standardError;
  // H0: difference <= -margin, rejected for large (mean + margin) / se.
  const aboveLower = studentTUpperTail((average + margin) / standardError, degreesOfFreedom);
  // H0: difference >= margin, rejected for small (mean - margin) / se.
  const belowUpper = studentTUpperTail(-(average - margin) / standardError, degreesOfFreedom);
  const beyond = average >= 0
    ? studentTUpperTail((average - margin) / standardError, degreesOfFreedom)
    : studentTUpperTail(-(average + margin) / standardError, degreesOfFreedom);
  return {
    margin,
    ci90Low: average - halfWidth,
    ci90High: average + halfWidth,
    pValue: Math.max(aboveLower, belowUpper),
    beyondMarginPValue: Math.min(1, 2 * beyond),
  };
}
