import { sourceAttributesReport, sourceAttributeText, type SourceAttributeEntry, type SourceAttributesReport } from './source-attributes-report.ts'

/**
 * The source attributes as a FHIR R4 DocumentReference, in the shape of the HL7 AI Transparency
 * on FHIR IG's "AI Model-Card DocumentReference" (docs/decisions.md says why this resource): the
 * type says it is a model card, the narrative shows every attribute to a person, and two
 * attachments carry them to a program (JSON, as `GET /models/{name}/source-attributes` answers)
 * and to a reader (Markdown).
 */
export const AI_MODEL_CARD_PROFILE = 'http://hl7.org/fhir/uv/aitransparency/StructureDefinition/AI-ModelCard'
export const AI_MODEL_CARD_CODES = 'http://hl7.org/fhir/uv/aitransparency/CodeSystem/AImodelCardCS'
/** Nexora's own category code: no published code system names HTI-1 source attributes. */
export const SOURCE_ATTRIBUTES_CATEGORY = { system: 'urn:nexora:document-category', code: 'hti-1-source-attributes' }

export interface SourceAttributesFhirOptions {
  /** When the version was registered (an instant): the document's `date`. */
  date?: string
}

const encoder = new TextEncoder()
/** base64 of UTF-8, in chunks: `String.fromCharCode(...bytes)` on a long document would overflow the argument limit. */
function base64(text: string): string {
  const bytes = encoder.encode(text)
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const summary = (r: SourceAttributesReport) =>
  `${r.counts.provided} of 31 provided, ${r.counts.notAvailable} not available, ${r.counts.missing} missing (${r.rule})`

/** The attributes as Markdown, grouped as the rule groups them; a missing one says so. */
export function sourceAttributesMarkdown(report: SourceAttributesReport): string {
  const lines = [`# Source attributes: ${report.model.name} ${report.model.version}`, '', summary(report)]
  for (const g of report.groups) {
    lines.push('', `## ${g.title}`, '')
    for (const a of g.attributes) lines.push(`- **${a.title}** (${a.paragraph.slice(report.rule.length)}): ${sourceAttributeText(a)}`)
  }
  return `${lines.join('\n')}\n`
}

function narrative(report: SourceAttributesReport): string {
  const item = (a: SourceAttributeEntry) => `<li><b>${escapeXml(a.title)}</b>: ${escapeXml(sourceAttributeText(a))}</li>`
  const groups = report.groups.map((g) => `<h3>${escapeXml(g.title)}</h3><ul>${g.attributes.map(item).join('')}</ul>`)
  const title = `Source attributes of ${report.model.name} ${report.model.version}`
  return `<div xmlns="http://www.w3.org/1999/xhtml"><p><b>${escapeXml(title)}</b>: ${escapeXml(summary(report))}</p>${groups.join('')}</div>`
}

/**
 * A FHIR R4 DocumentReference holding a version's source attributes (complete or not: an
 * incomplete one is `docStatus: preliminary` and lists what is missing).
 * @example
 * sourceAttributesToFhir(manifest).content[0].attachment.contentType // 'application/json'
 */
export function sourceAttributesToFhir(manifest: { name: string; version: string; sourceAttributes?: unknown }, options: SourceAttributesFhirOptions = {}) {
  const report = sourceAttributesReport(manifest)
  // A FHIR id is [A-Za-z0-9.-]{1,64}; a name too long for one goes without (the identifier names it exactly).
  const id = `${manifest.name}-${manifest.version}-source-attributes`.replace(/[^A-Za-z0-9.-]/g, '-')
  return {
    resourceType: 'DocumentReference' as const,
    ...(id.length <= 64 ? { id } : {}),
    meta: { profile: [AI_MODEL_CARD_PROFILE] },
    text: { status: 'generated' as const, div: narrative(report) },
    identifier: [{ system: 'urn:nexora:model', value: `${manifest.name}@${manifest.version}` }],
    status: 'current' as const,
    docStatus: report.complete ? ('final' as const) : ('preliminary' as const),
    type: {
      coding: [{ system: AI_MODEL_CARD_CODES, code: 'AIModelCard', display: 'AI Model-Card' }],
      text: 'ONC HTI-1 predictive DSI source attributes',
    },
    category: [{ coding: [{ ...SOURCE_ATTRIBUTES_CATEGORY, display: `Source attributes (${report.rule})` }] }],
    ...(options.date ? { date: options.date } : {}),
    description: `Source attributes of ${manifest.name} ${manifest.version}: ${summary(report)}`,
    content: [
      { attachment: { contentType: 'application/json', data: base64(JSON.stringify(report)), title: 'Source attributes (JSON)' } },
      { attachment: { contentType: 'text/markdown', data: base64(sourceAttributesMarkdown(report)), title: 'Source attributes' } },
    ],
  }
}
