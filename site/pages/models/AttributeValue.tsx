import { metricLabel } from './Metrics.tsx'

/** One attribute as `GET /models/{name}/source-attributes` answers it (core/registry/source-attributes-report.ts). */
export interface SourceAttributeEntry {
  key: string
  paragraph: string
  title: string
  status: 'provided' | 'not-available' | 'missing'
  value?: unknown
}

type Measures = Record<string, number>
interface Measured {
  summary: string
  measures?: Measures
  subgroups?: { group: string; n?: number; measures: Measures }[]
}

const VARIABLES: Record<string, string> = {
  race: 'Race',
  ethnicity: 'Ethnicity',
  language: 'Language',
  sexualOrientation: 'Sexual orientation',
  genderIdentity: 'Gender identity',
  sex: 'Sex',
  dateOfBirth: 'Date of birth',
  socialDeterminantsOfHealth: 'Social determinants of health',
  healthStatusAssessments: 'Health status assessments',
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)
const number = (v: number) => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(3))
const measureName = (key: string) => {
  const { group, name } = metricLabel(key)
  return group ? `${name} (${group.toLowerCase()})` : name
}

/** A scrollable table that a keyboard can reach (axe: a scrolling region must be focusable). */
function Table({ label, head, rows }: { label: string; head: string[]; rows: (string | number)[][] }) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={label}>
      <table>
        <thead>
          <tr>
            {head.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(([first, ...rest]) => (
            <tr key={String(first)}>
              <th scope="row">{first}</th>
              {rest.map((cell, i) => (
                <td key={i}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function MeasuredValue({ title, value }: { title: string; value: Measured }) {
  const keys = [...new Set((value.subgroups ?? []).flatMap((s) => Object.keys(s.measures)))]
  return (
    <>
      <p>{value.summary}</p>
      {value.measures ? (
        <Table label={`${title}: measures`} head={['Measure', 'Value']} rows={Object.entries(value.measures).map(([k, v]) => [measureName(k), number(v)])} />
      ) : null}
      {value.subgroups ? (
        <Table
          label={`${title}: by subgroup`}
          head={['Subgroup', 'n', ...keys.map(measureName)]}
          rows={value.subgroups.map((s) => [s.group, s.n ?? '—', ...keys.map((k) => (s.measures[k] === undefined ? '—' : number(s.measures[k])))])}
        />
      ) : null}
    </>
  )
}

/**
 * The value of one attribute, in the form its shape calls for: text; "not available" with the
 * reason; the developer; an output type or decision role; the nine demographic variables as a
 * table; a measure of validity or fairness with its numbers. A missing one says so.
 */
export function AttributeValue({ entry }: { entry: SourceAttributeEntry }) {
  const v = entry.value
  if (entry.status === 'missing') return <p className="muted">Not provided: the developer has not supplied this attribute.</p>
  if (typeof v === 'string') return <p>{v}</p>
  if (!isRecord(v)) return <p>{String(v)}</p>
  if (v.status === 'not-available')
    return (
      <p>
        <span className="badge">Not available</span> {String(v.reason)}
      </p>
    )
  if ('contact' in v)
    return (
      <p>
        {String(v.name)} — {String(v.contact)}
      </p>
    )
  if ('type' in v || 'role' in v)
    return (
      <p>
        <strong>{capital(String(v.type ?? v.role))}</strong>: {String(v.description)}
      </p>
    )
  if ('summary' in v) return <MeasuredValue title={entry.title} value={v as unknown as Measured} />
  return (
    <Table
      label={`${entry.title}: by variable`}
      head={['Variable', 'Input feature', 'How or why not']}
      rows={Object.entries(VARIABLES).map(([key, label]) => {
        const use = isRecord(v[key]) ? v[key] : {}
        return [label, use.used ? 'Yes' : 'No', use.description ? String(use.description) : '—']
      })}
    />
  )
}
