import { sha256Hex, type Sha256 } from '../digest.ts'
import type { CanaryPlan } from '../ports/model-store.ts'

/** `Patient/<id>` whether the row named `123` or `Patient/123`: one patient, one bucket. */
export const patientKey = (ref: string) => (ref.includes('/') ? ref : `Patient/${ref}`)

/**
 * A patient's place in [0, 100) for a canary of `version` of `model`: the first 32 bits of
 * SHA-256(model, version, patient). Stable for the whole canary, so a patient sees one version
 * while it widens (a patient inside 5 % is inside 20 %); a new canary version reshuffles, so the
 * same patients are not always the first to get every new version.
 * @example
 * await canaryBucket('readmission-risk', '2.0.0', 'Patient/p1') // 0 ≤ b < 100
 */
export async function canaryBucket(model: string, version: string, patientRef: string, sha256?: Sha256): Promise<number> {
  const hex = await sha256Hex(`${model}\u0000${version}\u0000${patientKey(patientRef)}`, sha256)
  return (Number.parseInt(hex.slice(0, 8), 16) / 2 ** 32) * 100
}

/** The step in force at `now`: the stored step, widened by each whole `stepEveryMs` since it started. */
export function canaryStep(plan: CanaryPlan, now: number): number {
  const elapsed = plan.stepEveryMs ? Math.floor((now - Date.parse(plan.stepStartedAt)) / plan.stepEveryMs) : 0
  return Math.min(plan.steps.length - 1, plan.step + Math.max(0, elapsed))
}

/** The percent of patients the canary version scores at `now`. */
export const canaryPercent = (plan: CanaryPlan, now: number) => plan.steps[canaryStep(plan, now)] ?? 0
