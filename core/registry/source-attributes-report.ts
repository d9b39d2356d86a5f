import { DECISION_ROLES, DEMOGRAPHIC_VARIABLES, OUTPUT_TYPES } from './source-attribute-values.ts'
import {
  SOURCE_ATTRIBUTE_GROUPS,
  SOURCE_ATTRIBUTES,
  SOURCE_ATTRIBUTES_RULE,
  sourceAttributeStatus,
  sourceAttributeValue,
  type SourceAttributeGroupId,
  type SourceAttributeStatus,
} from './source-attributes.ts'

/** One attribute as the route, the web UI and the FHIR document show it. */
export interface SourceAttributeEntry {
  key: string
  paragraph: string
  title: string
  status: SourceAttributeStatus
  /** The stored value; absent when the attribute is missing (an ill-formed value is not shown as if it were an answer). */
  value?: unknown
}

export interface SourceAttributesReport {
  model: { name: string; version: string }
  rule: string
  complete: boolean
  counts: { provided: number; notAvailable: number; missing: number }
  /** The missing attributes' keys, as `missingSourceAttributes` lists them. */
  missing: string[]
  groups: { id: SourceAttributeGroupId; paragraph: string; title: string; attributes: SourceAttributeEntry[] }[]
}

/** Every attribute of a version with its status, grouped as the rule groups them. */
export function sourceAttributesReport(manifest: { name: string; version: string; sourceAttributes?: unknown }): SourceAttributesReport {
  const entries = SOURCE_ATTRIBUTES.map((def) => {
    const status = sourceAttributeStatus(manifest.sourceAttributes, def)
    const entry: SourceAttributeEntry = { key: def.key, paragraph: def.paragraph, title: def.title, status }
    if (status !== 'missing') entry.value = sourceAttributeValue(manifest.sourceAttributes, def)
    return { group: def.group, entry }
  })
  const count = (s: SourceAttributeStatus) => entries.filter((e) => e.entry.status === s).length
  const missing = entries.filter((e) => e.entry.status === 'missing').map((e) => e.entry.key)
  return {
    model: { name: manifest.name, version: manifest.version },
    rule: SOURCE_ATTRIBUTES_RULE,
    complete: missing.length === 0,
    counts: { provided: count('provided'), notAvailable: count('not-available'), missing: missing.length },
    missing,
    groups: Object.entries(SOURCE_ATTRIBUTE_GROUPS).map(([id, g]) => ({
      id: id as SourceAttributeGroupId,
      paragraph: `${SOURCE_ATTRIBUTES_RULE}${g.paragraph}`,
      title: g.title,
      attributes: entries.filter((e) => e.group === id).map((e) => e.entry),
    })),
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)
const measures = (m: unknown) =>
  isRecord(m)
    ? Object.entries(m)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')
    : ''

/**
 * One attribute's value as plain text, for the FHIR narrative and Markdown: the structured
 * shapes (developer, output type, role, demographic variables, measures) spelled out.
 */
export function sourceAttributeText(entry: SourceAttributeEntry): string {
  if (entry.status === 'missing') return 'Missing: not provided by the developer.'
  const v = entry.value
  if (typeof v === 'string') return v
  if (!isRecord(v)) return String(v)
  if (v.status === 'not-available') return `Not available: ${v.reason}`
  if ('contact' in v) return `${v.name} (${v.contact})`
  if ((OUTPUT_TYPES as readonly unknown[]).includes(v.type)) return `${capital(String(v.type))}: ${v.description}`
  if ((DECISION_ROLES as readonly unknown[]).includes(v.role)) return `${capital(String(v.role))}: ${v.description}`
  if ('summary' in v) {
    const parts = [String(v.summary)]
    if (v.measures) parts.push(`Measures: ${measures(v.measures)}.`)
    if (Array.isArray(v.subgroups))
      for (const s of v.subgroups as Record<string, unknown>[]) parts.push(`${s.group}${s.n === undefined ? '' : ` (n = ${s.n})`}: ${measures(s.measures)}.`)
    return parts.join(' ')
  }
  return Object.entries(DEMOGRAPHIC_VARIABLES)
    .map(([key, label]) => {
      const use = isRecord(v[key]) ? v[key] : {}
      return `${label}: ${use.used ? 'used' : 'not used'}${use.description ? ` (${use.description})` : ''}.`
    })
    .join(' ')
}
