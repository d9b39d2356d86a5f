/** Between-group disparity summaries of a MetricFrame, following Fairlearn's definitions. */
import type { GroupRow, MetricFrame } from './metric-frame.ts'

export interface Disparities {
  /** max − min selection rate across groups. */
  demographicParityDifference: number
  /** min / max selection rate across groups (1 is parity). */
  demographicParityRatio: number
  /** max − min TPR (equal opportunity). */
  equalOpportunityDifference: number
  /** max(TPR gap, FPR gap), as Fairlearn's `equalized_odds_difference`. */
  equalizedOddsDifference: number
  /** max − min PPV (predictive parity). */
  predictiveParityDifference: number
  /** max − min per-group ECE. */
  eceDifference: number
  /** largest |calibration-in-the-large| of any group. */
  maxCalibrationInTheLarge: number
  /** Groups that took part (small groups are left out when `excludeSmall`). */
  groups: string[]
}

/** max − min over the finite values; NaN if none. Groups where a rate is undefined (e.g. no positives for TPR) are skipped. */
function gap(rows: GroupRow[], pick: (r: GroupRow) => number): number {
  const v = rows.map(pick).filter(Number.isFinite)
  return v.length === 0 ? Number.NaN : Math.max(...v) - Math.min(...v)
}

/**
 * Disparities across the groups of a frame.
 * @example disparities(metricFrame({ labels, scores, sensitive: { sex } }), { excludeSmall: true }).equalizedOddsDifference
 */
export function disparities(frame: MetricFrame, { excludeSmall = false }: { excludeSmall?: boolean } = {}): Disparities {
  const rows = excludeSmall ? frame.byGroup.filter((r) => !r.small) : frame.byGroup
  const sel = rows.map((r) => r.selectionRate).filter(Number.isFinite)
  const maxSel = Math.max(...sel)
  const tprGap = gap(rows, (r) => r.tpr)
  const fprGap = gap(rows, (r) => r.fpr)
  const cil = rows.map((r) => Math.abs(r.calibrationInTheLarge)).filter(Number.isFinite)
  return {
    demographicParityDifference: gap(rows, (r) => r.selectionRate),
    // Nobody selected in any group is 0/0: NaN, so "no selections" is never reported as parity.
    demographicParityRatio: sel.length === 0 || maxSel === 0 ? Number.NaN : Math.min(...sel) / maxSel,
    equalOpportunityDifference: tprGap,
    equalizedOddsDifference: Math.max(tprGap, fprGap),
    predictiveParityDifference: gap(rows, (r) => r.ppv),
    eceDifference: gap(rows, (r) => r.ece),
    maxCalibrationInTheLarge: cil.length === 0 ? Number.NaN : Math.max(...cil),
    groups: rows.map((r) => r.key),
  }
}
