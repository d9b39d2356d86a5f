import { NexoraError, type FieldIssue } from '../errors.ts'
import type { FeatureDef } from '../ports/model.ts'
import type { FeatureValue, Row } from '../ports/values.ts'

const MAX_ISSUES = 50
const SAFE_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/

function typeProblem(def: FeatureDef, value: Exclude<FeatureValue, null>): string | undefined {
  if (def.type === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value)) return 'expected a finite number'
    if (def.min !== undefined && value < def.min) return `below the minimum ${def.min}`
    if (def.max !== undefined && value > def.max) return `above the maximum ${def.max}`
  } else if (def.type === 'boolean') {
    if (typeof value !== 'boolean') return 'expected a boolean'
  } else {
    if (typeof value !== 'string') return 'expected a category string'
    if (def.categories && !def.categories.includes(value)) return `expected one of the ${def.categories.length} declared categories`
  }
  return undefined
}

/**
 * Check every row against the model's declared inputs, before the model sees it.
 * Unknown features, then missing ones, then bad values, each with its own code; the
 * issues name the feature and row, never the value, so nothing identifying is echoed.
 */
export function validateRows(rows: Row[], inputs: FeatureDef[]): void {
  const defs = new Map(inputs.map((d) => [d.name, d]))
  const unknown: FieldIssue[] = []
  const missing: FieldIssue[] = []
  const invalid: FieldIssue[] = []
  rows.forEach((row, i) => {
    for (const name of Object.keys(row.features)) {
      // An unknown key is client text: echo it only if it looks like a feature name.
      const shown = SAFE_NAME.test(name) ? name : '<unprintable>'
      if (!defs.has(name)) unknown.push({ path: `rows[${i}].features.${shown}`, message: 'not an input of this model' })
    }
    for (const def of inputs) {
      const value = Object.hasOwn(row.features, def.name) ? row.features[def.name] : undefined
      if (value === undefined || value === null) {
        if (def.required !== false) missing.push({ path: `rows[${i}].features.${def.name}`, message: 'required' })
        continue
      }
      const problem = typeProblem(def, value)
      if (problem) invalid.push({ path: `rows[${i}].features.${def.name}`, message: problem })
    }
  })
  const fail = (code: 'features.unknown' | 'features.missing' | 'features.invalid', issues: FieldIssue[]) => {
    const names = [...new Set(issues.map((x) => x.path.slice(x.path.indexOf('.features.') + 10)))]
    throw new NexoraError(code, { detail: `features: ${names.slice(0, 20).join(', ')}`, issues: issues.slice(0, MAX_ISSUES) })
  }
  if (unknown.length) fail('features.unknown', unknown)
  if (missing.length) fail('features.missing', missing)
  if (invalid.length) fail('features.invalid', invalid)
}
