/**
 * Batch drift tests, reference vs current sample, per feature. Pure TypeScript, browser-safe.
 *
 * @example
 * import { driftReport } from 'nexora/plugins/monitoring/drift'
 * driftReport({ age: ref }, { age: cur }).drift.drifted
 */
export { ksTwoSample, type KsResult } from './ks.ts'
export { kolmogornSf, smirnov } from './kolmogorov.ts'
export { psi, psiFromProportions, PSI_EPSILON } from './psi.ts'
export { jensenShannonDistance, jensenShannonBinned } from './jensen-shannon.ts'
export { wasserstein } from './wasserstein.ts'
export { chiSquare, countCategories, type ChiSquareResult } from './chi-square.ts'
export { chi2Sf, gammaIncUpper, logGamma } from '../../../core/index.ts'
export { quantileEdges, binProportions } from './bins.ts'
export { quantileSorted, searchsorted } from '../../../core/index.ts'
export { driftReport, type DriftReport, type ColumnDrift, type DriftOptions, type DriftTest, type Cell } from './report.ts'
