import type { Contribution, FeatureDef, FeatureValue } from '../../core/index.ts'
import type { CdsHooksSection } from './manifest.ts'

export type Indicator = 'info' | 'warning' | 'critical'

/** The indicator for a score, from the manifest's thresholds. */
export function indicatorFor(score: number, thresholds: CdsHooksSection['thresholds']): Indicator {
  return score >= thresholds.critical ? 'critical' : score >= thresholds.warning ? 'warning' : 'info'
}

/** A probability as a whole percentage; tiny risks are not rounded down to a reassuring 0 %. */
export const percent = (p: number) => (p > 0 && p < 0.005 ? '<1%' : `${Math.round(p * 100)}%`)

/** Text from a manifest or a feature value, made inert inside a Markdown table cell. */
const cell = (s: string) => s.replace(/[\r\n]+/g, ' ').replace(/([\\|*_`[\]<>])/g, '\\$1')

function valueText(value: FeatureValue | undefined): string {
  if (value === null || value === undefined) return 'not recorded'
  if (typeof value === 'number') return String(Math.round(value * 100) / 100)
  return String(value)
}

export interface DetailInput {
  outcome: string
  score: number
  indicator: Indicator
  thresholds: CdsHooksSection['thresholds']
  explanation?: Contribution[]
  features: Record<string, FeatureValue>
  inputs: FeatureDef[]
  model: { name: string; version: string }
  explanationMethod?: string
  maxFactors?: number
}

/**
 * The card's Markdown detail: the risk against the thresholds, the top contributing factors
 * (largest effect first, with the patient's value), and the model and version that scored it.
 */
export function riskDetail(input: DetailInput): string {
  const { thresholds } = input
  const where =
    input.indicator === 'critical'
      ? `at or above the critical threshold (${percent(thresholds.critical)})`
      : input.indicator === 'warning'
        ? `at or above the warning threshold (${percent(thresholds.warning)})`
        : `below the warning threshold (${percent(thresholds.warning)})`
  const lines = [`**${cell(input.outcome)}: ${percent(input.score)}**, ${where}.`]
  const factors = [...(input.explanation ?? [])].sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution)).slice(0, input.maxFactors ?? 5)
  if (factors.length) {
    const label = new Map(input.inputs.map((i) => [i.name, i.description ?? i.name]))
    lines.push('', 'Top contributing factors:', '', '| Factor | Value | Effect on risk |', '|---|---|---|')
    for (const f of factors) {
      const effect = `${f.contribution >= 0 ? '↑ raises' : '↓ lowers'} (${f.contribution >= 0 ? '+' : '−'}${Math.abs(f.contribution).toFixed(2)})`
      lines.push(`| ${cell(label.get(f.feature) ?? f.feature)} | ${cell(valueText(f.value ?? input.features[f.feature]))} | ${effect} |`)
    }
  }
  const method = input.explanationMethod ? `; contributions: ${cell(input.explanationMethod)}` : ''
  lines.push('', `Model: **${cell(input.model.name)} ${cell(input.model.version)}**${method}.`)
  return lines.join('\n')
}
