import { evaluate, type EvaluationReport, type LabelledSpan } from './evaluate.ts'

/** One annotated document: `{text, spans:[{start,end,type}]}`, UTF-16 offsets, `end` exclusive. */
export interface CorpusDocument {
  text: string
  spans: LabelledSpan[]
}
/** A missed or false identifier, folded by lower-cased text and group. */
export interface Finding {
  text: string
  type: string
  count: number
}
export interface CorpusEvaluation extends EvaluationReport<string> {
  documents: number
  /** Documents with no gold span: the false alarms on them are what a clinician sees for nothing. */
  phiFreeDocuments: number
  falsePositivesPerPhiFreeDocument: number
  /** Gold spans no detected span overlaps, whatever its type: what would leak. Most frequent first. */
  misses: Finding[]
  /** Detected spans that overlap no gold span. Most frequent first. */
  falsePositives: Finding[]
}

const groups = (entries: Record<string, string[]>) => Object.fromEntries(Object.entries(entries).flatMap(([group, labels]) => labels.map((l) => [l, group])))

/**
 * Labels of common annotation schemes, and Nexora's own types, folded into the groups a
 * de-identifier is judged by. Nexora's: ADDRESS/CITY/ZIP → LOCATION, PHONE/FAX/EMAIL/URL/IP →
 * CONTACT, the identifier numbers → ID. i2b2 2014 (`DOCTOR`, `HOSPITAL`, `MEDICALRECORD` …),
 * PhysioNet deid (`HCPName`, `DateYear` …) and Presidio (`PERSON`, `DATE_TIME`, `US_SSN` …) as
 * well. States and countries are not Safe Harbor identifiers and keep a group of their own.
 * Labels match case-insensitively; an unknown label is its own group.
 */
export const DEFAULT_TYPE_MAP: Readonly<Record<string, string>> = groups({
  NAME: [
    'NAME',
    'PATIENT',
    'DOCTOR',
    'USERNAME',
    'PERSON',
    'PER',
    'HCPNAME',
    'PTNAME',
    'PTNAMEINITIAL',
    'RELATIVEPROXYNAME',
    'NAME_STUDENT',
    'FIRST_NAME',
    'LAST_NAME',
  ],
  LOCATION: [
    'LOCATION',
    'ADDRESS',
    'CITY',
    'ZIP',
    'HOSPITAL',
    'ORGANIZATION',
    'STREET',
    'LOCATION-OTHER',
    'STREET_ADDRESS',
    'GPE',
    'LOC',
    'ZIPCODE',
    'POSTCODE',
  ],
  STATE_COUNTRY: ['STATE', 'COUNTRY'],
  DATE: ['DATE', 'DATEYEAR', 'DATE_TIME', 'DATE_OF_BIRTH', 'DOB'],
  AGE: ['AGE'],
  CONTACT: ['PHONE', 'FAX', 'EMAIL', 'URL', 'IP', 'PHONE_NUMBER', 'EMAIL_ADDRESS', 'IP_ADDRESS', 'URL_PERSONAL'],
  ID: [
    'SSN',
    'MRN',
    'HEALTH_PLAN_ID',
    'ACCOUNT',
    'LICENSE',
    'VEHICLE_ID',
    'DEVICE_ID',
    'BIOMETRIC_ID',
    'ID',
    'MEDICALRECORD',
    'IDNUM',
    'DEVICE',
    'BIOID',
    'HEALTHPLAN',
    'US_SSN',
    'CREDIT_CARD',
    'IBAN_CODE',
    'US_BANK_NUMBER',
    'US_DRIVER_LICENSE',
    'US_PASSPORT',
    'MEDICAL_LICENSE',
    'US_ITIN',
    'ID_NUM',
    'OTHER',
  ],
})

/**
 * Scores a detector on an annotated corpus: per group precision, recall and F1 with exact and
 * overlap matching (see {@link evaluate}), false alarms per PHI-free document, and the most
 * frequent misses and false positives. `map` adds to or overrides {@link DEFAULT_TYPE_MAP}
 * (map `CITY` to `CITY` to score cities on their own).
 * @example
 * const r = evaluateCorpus(docs, (text) => detectPhi(text, { mode: 'recall' }))
 * r.byType.ANY?.overlap.recall
 */
export function evaluateCorpus(
  docs: CorpusDocument[],
  detect: (text: string) => LabelledSpan[],
  options: { map?: Record<string, string>; top?: number } = {},
): CorpusEvaluation {
  const map = new Map(Object.entries({ ...DEFAULT_TYPE_MAP, ...upperKeys(options.map ?? {}) }))
  const group = (label: string) => map.get(label.toUpperCase()) ?? label
  const relabel = (s: LabelledSpan): LabelledSpan => ({ start: s.start, end: s.end, type: group(s.type) })
  const misses = new Tally()
  const falsePositives = new Tally()
  let phiFree = 0
  let phiFreeAlarms = 0
  const scored = docs.map(({ text, spans }) => {
    const gold = spans.map(relabel)
    const predicted = detect(text).map(relabel)
    if (gold.length === 0) {
      phiFree++
      phiFreeAlarms += predicted.length
    }
    for (const g of gold) if (!predicted.some((p) => overlap(p, g))) misses.add(text.slice(g.start, g.end), g.type)
    for (const p of predicted) if (!gold.some((g) => overlap(p, g))) falsePositives.add(text.slice(p.start, p.end), p.type)
    return { text, gold, predicted }
  })
  const top = options.top ?? 20
  return {
    ...evaluate(scored),
    documents: docs.length,
    phiFreeDocuments: phiFree,
    falsePositivesPerPhiFreeDocument: phiFree ? phiFreeAlarms / phiFree : 0,
    misses: misses.top(top),
    falsePositives: falsePositives.top(top),
  }
}

const overlap = (a: LabelledSpan, b: LabelledSpan) => a.start < b.end && b.start < a.end
const upperKeys = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k.toUpperCase(), v]))

class Tally {
  private readonly counts = new Map<string, Finding>()
  add(text: string, type: string): void {
    const key = `${type}\u0000${text.toLowerCase()}`
    const f = this.counts.get(key)
    if (f) f.count++
    else this.counts.set(key, { text, type, count: 1 })
  }
  top(n: number): Finding[] {
    return [...this.counts.values()].sort((a, b) => b.count - a.count || a.text.localeCompare(b.text)).slice(0, n)
  }
}
