import { useMemo, useState, type ChangeEvent, type ReactNode } from 'react'
import { download } from '../../ui/download.ts'
import { TableWrap } from '../../ui/table.tsx'
import { api } from '../../api/client.ts'
import type { PageProps } from '../../pages.ts'
import { Empty, ErrorState, Loading } from '../../ui/states.tsx'

/** POST /phi/detect answers (docs/phi.md): spans with UTF-16 offsets for text, element paths for a resource. */
interface Span {
  start: number
  end: number
  type: string
  score: number
  detector: string
}
interface Finding {
  path: string
  type: string
  spans?: Span[]
}
interface Detected {
  entities?: Span[]
  findings?: Finding[]
  counts: Record<string, number>
}
interface Deidentified {
  text?: string
  resource?: Record<string, unknown>
  counts: Record<string, number>
}
type Input = { kind: 'text'; text: string } | { kind: 'resource'; name: string; resource: { resourceType: string } }

const OPERATORS = ['redact', 'replace', 'mask', 'pseudonymize', 'dateShift', 'generalize'] as const
/** The server's defaults (plugins/deid DEFAULT_OPERATORS), shown so "Default" says what it does. */
const DEFAULTS: Record<string, string> = {
  DATE: 'dateShift',
  AGE: 'generalize',
  ZIP: 'generalize',
  ADDRESS: 'replace',
  CITY: 'replace',
  LOCATION: 'replace',
  BIOMETRIC_ID: 'replace',
}
const defaultOp = (type: string) => DEFAULTS[type] ?? 'pseudonymize'
/** Colour group per PHI type (legend and <mark>): names, dates/ages, places, contacts, identifiers. */
const GROUP: Record<string, string> = {
  NAME: 'name',
  DATE: 'date',
  AGE: 'date',
  ADDRESS: 'place',
  CITY: 'place',
  ZIP: 'place',
  LOCATION: 'place',
  PHONE: 'contact',
  FAX: 'contact',
  EMAIL: 'contact',
  URL: 'contact',
  IP: 'contact',
}
const groupOf = (type: string) => GROUP[type] ?? 'id'

const SAMPLE =
  "Discharge summary. Pt John Smith, DOB 03/14/1950, MRN: A884213, was admitted on 3/02/2024 to St. Mary's Hospital.\nLives at 42 Oak Street, " +
  'Springfield. Daughter Zenaida can be reached at (617) 555-0142 or zenaida.smith@example.com.\nBP 132/84, HbA1c 8.1 %. Follow up in 2 weeks.'

/** The text with each PHI span in a <mark> labelled by its type; offsets are UTF-16 (JS string indices). */
export function Highlighted({ text, spans }: { text: string; spans: Span[] }) {
  const parts: ReactNode[] = []
  let at = 0
  for (const [i, s] of [...spans].sort((a, b) => a.start - b.start).entries()) {
    if (s.start < at) continue
    if (s.start > at) parts.push(text.slice(at, s.start))
    parts.push(
      <mark key={i} className={`phi phi-${groupOf(s.type)}`} data-type={s.type}>
        <span className="phi-tag">{s.type}</span>
        {text.slice(s.start, s.end)}
      </mark>,
    )
    at = s.end
  }
  parts.push(text.slice(at))
  return (
    <div className="deid-text" tabIndex={0} role="region" aria-label="The note with detected PHI highlighted">
      {parts}
    </div>
  )
}

function Legend({ counts }: { counts: Record<string, number> }) {
  const types = Object.keys(counts).sort()
  return (
    <ul className="deid-legend" aria-label="Legend: PHI types found">
      {types.map((t) => (
        <li key={t}>
          <mark className={`phi phi-${groupOf(t)}`}>
            <span className="phi-tag">{t}</span>
          </mark>{' '}
          {counts[t]} found
        </li>
      ))}
    </ul>
  )
}

/**
 * The de-identification workbench: paste a note or open a FHIR resource, see the PHI the server
 * finds (highlighted by type), choose an operator per type, and download the de-identified copy.
 * Text goes to this server only (POST /phi/detect, /deidentify), which audits counts, never text.
 */
export default function DeidPage(_props: PageProps) {
  const [text, setText] = useState('')
  const [file, setFile] = useState<{ name: string; resource: { resourceType: string } } | undefined>()
  const [fileError, setFileError] = useState<string | undefined>()
  const [detected, setDetected] = useState<{ input: Input; result: Detected } | undefined>()
  const [operators, setOperators] = useState<Record<string, string>>({})
  const [result, setResult] = useState<Deidentified | undefined>()
  const [busy, setBusy] = useState<'detect' | 'deid' | undefined>()
  const [error, setError] = useState<unknown>()

  const input: Input | undefined = file ? { kind: 'resource', ...file } : text.trim() ? { kind: 'text', text } : undefined
  const body = (i: Input) => (i.kind === 'text' ? { text: i.text } : { resource: i.resource })

  async function onFile(e: ChangeEvent<HTMLInputElement>) {
    const f = e.target.files?.[0]
    setFileError(undefined)
    setDetected(undefined)
    setResult(undefined)
    if (!f) {
      setFile(undefined)
      return
    }
    try {
      const parsed = JSON.parse(await f.text()) as { resourceType?: unknown }
      if (typeof parsed?.resourceType !== 'string') throw new Error('no resourceType')
      setFile({ name: f.name, resource: parsed as { resourceType: string } })
    } catch {
      setFile(undefined)
      setFileError(`${f.name} is not a FHIR resource in JSON (an object with a resourceType).`)
    }
  }

  async function detect() {
    if (!input) return
    setBusy('detect')
    setError(undefined)
    setResult(undefined)
    try {
      setDetected({ input, result: await api.post<Detected>('/phi/detect', body(input)) })
    } catch (e) {
      setError(e)
    } finally {
      setBusy(undefined)
    }
  }

  async function deidentify() {
    if (!detected) return
    setBusy('deid')
    setError(undefined)
    const chosen = Object.fromEntries(Object.entries(operators).filter(([t, op]) => op && t in detected.result.counts))
    try {
      setResult(await api.post<Deidentified>('/deidentify', { ...body(detected.input), ...(Object.keys(chosen).length ? { operators: chosen } : {}) }))
    } catch (e) {
      setError(e)
    } finally {
      setBusy(undefined)
    }
  }

  const types = useMemo(() => Object.keys(detected?.result.counts ?? {}).sort(), [detected])
  const output = result ? (result.text ?? JSON.stringify(result.resource, null, 2)) : undefined
  const fileName = detected?.input.kind === 'resource' ? `deidentified-${detected.input.resource.resourceType}.json` : 'deidentified-note.txt'

  return (
    <>
      <h1>De-identification workbench</h1>
      <p className="muted">
        Paste a clinical note or open a FHIR resource: this server finds the HIPAA Safe Harbor identifiers, you choose how each type is replaced, and download
        the de-identified copy. The server audits counts by type, never the text.
      </p>
      <section className="card" aria-labelledby="deid-input">
        <h2 id="deid-input">1. Input</h2>
        <label className="wide">
          Clinical note
          <textarea
            value={text}
            disabled={!!file}
            onChange={(e) => {
              setText(e.target.value)
              setDetected(undefined)
              setResult(undefined)
            }}
            placeholder="Paste a note…"
            rows={8}
          />
        </label>
        <div className="deid-actions">
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setText(SAMPLE)
              setDetected(undefined)
              setResult(undefined)
            }}
            disabled={!!file}
          >
            Use a synthetic sample note
          </button>
          <label>
            Or open a FHIR resource (JSON)
            <input type="file" accept=".json,application/json,application/fhir+json" onChange={onFile} />
          </label>
          {file ? (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setFile(undefined)
                setDetected(undefined)
                setResult(undefined)
              }}
            >
              Clear file
            </button>
          ) : null}
        </div>
        {fileError ? (
          <p className="state error" role="alert">
            {fileError}
          </p>
        ) : file ? (
          <p className="muted">
            Loaded {file.name}: a {file.resource.resourceType}.
          </p>
        ) : null}
        <button type="button" onClick={detect} disabled={!input || busy !== undefined}>
          {busy === 'detect' ? 'Finding PHI…' : 'Find PHI'}
        </button>
      </section>

      {busy === 'detect' ? <Loading label="Finding PHI…" /> : null}
      {error ? <ErrorState error={error} /> : null}

      {detected ? (
        <section className="card" aria-labelledby="deid-found">
          <h2 id="deid-found">2. PHI found</h2>
          {types.length === 0 ? (
            <Empty>No PHI was detected. Check the text yourself: detection finds most identifiers, not all.</Empty>
          ) : (
            <Legend counts={detected.result.counts} />
          )}
          {detected.input.kind === 'text' ? (
            <Highlighted text={detected.input.text} spans={detected.result.entities ?? []} />
          ) : (detected.result.findings ?? []).length > 0 ? (
            <TableWrap label="PHI by element">
              <table>
                <caption>PHI in {detected.input.name}, by element</caption>
                <thead>
                  <tr>
                    <th scope="col">Element</th>
                    <th scope="col">Type</th>
                    <th scope="col">Spans in free text</th>
                  </tr>
                </thead>
                <tbody>
                  {detected.result.findings!.map((f, i) => (
                    <tr key={i}>
                      <td>
                        <code>{f.path}</code>
                      </td>
                      <td>
                        <mark className={`phi phi-${groupOf(f.type)}`}>
                          <span className="phi-tag">{f.type}</span>
                        </mark>
                      </td>
                      <td>{f.spans?.length ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          ) : null}
        </section>
      ) : null}

      {detected && types.length > 0 ? (
        <section className="card" aria-labelledby="deid-ops">
          <h2 id="deid-ops">3. Operators</h2>
          <div className="deid-ops">
            {types.map((t) => (
              <label key={t}>
                {t}
                <select aria-label={`Operator for ${t}`} value={operators[t] ?? ''} onChange={(e) => setOperators({ ...operators, [t]: e.target.value })}>
                  <option value="">Default ({defaultOp(t)})</option>
                  {OPERATORS.map((op) => (
                    <option key={op} value={op}>
                      {op}
                    </option>
                  ))}
                </select>
              </label>
            ))}
          </div>
          <p className="muted">
            redact removes, replace writes the type tag, mask stars it out, pseudonymize keeps the format with a stable surrogate, dateShift moves dates by the
            patient's shift, generalize keeps the year (or ZIP3, or "90 or older").
          </p>
          <button type="button" onClick={deidentify} disabled={busy !== undefined}>
            {busy === 'deid' ? 'De-identifying…' : 'De-identify'}
          </button>
        </section>
      ) : null}

      {result && output !== undefined ? (
        <section className="card" aria-labelledby="deid-out">
          <h2 id="deid-out">4. De-identified</h2>
          <pre className="deid-output" tabIndex={0} role="region" aria-label="De-identified result">
            {output}
          </pre>
          <button type="button" onClick={() => download(fileName, result.text !== undefined ? 'text/plain;charset=utf-8' : 'application/fhir+json', output)}>
            Download {fileName}
          </button>
        </section>
      ) : null}
    </>
  )
}
