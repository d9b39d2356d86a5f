import { useEffect, useState, type ChangeEvent, type FormEvent } from 'react'
import { TableWrap } from '../../ui/table.tsx'
import type { PageProps } from '../../pages.ts'
import { ErrorState, Loading } from '../../ui/states.tsx'
import { featuresFromBundle, type Mapped } from './fhir-features.ts'
import type { InTabScore } from './engine.ts'

interface Input {
  name: string
  type: string
  min?: number
  max?: number
  unit?: string
  categories?: string[]
  description?: string
}
interface Manifest {
  name: string
  version: string
  description?: string
  inputs: Input[]
  threshold?: number
}
type Values = Record<string, string | boolean>

const MANIFEST_URL = '/app/models/readmission-onnx/manifest.json'
const PROVIDER_NAMES: Record<string, string> = { webgpu: "WebGPU (this device's GPU)", wasm: "WebAssembly (this device's CPU)" }
const loadEngine = () => import('./engine.ts')
const isAppFile = (url: string) => {
  const u = new URL(url, location.href)
  return u.origin === location.origin && u.pathname.startsWith('/app/')
}

/** Watch every request this page makes from now on: anything but an app file (/app/…) is counted. */
function useEgressWatch() {
  const [others, setOthers] = useState<string[]>([])
  useEffect(() => {
    if (typeof PerformanceObserver === 'undefined') return
    const obs = new PerformanceObserver((list) => {
      const seen = list
        .getEntries()
        .map((e) => e.name)
        .filter((n) => !isAppFile(n))
      if (seen.length) setOthers((o) => [...o, ...seen.map((n) => new URL(n).pathname)])
    })
    obs.observe({ type: 'resource', buffered: false })
    return () => obs.disconnect()
  }, [])
  return others
}

/**
 * Once the engine has loaded, fetch every app file this page used again through the service worker,
 * so the page chunk, ONNX Runtime and the model are in its cache: the page then works offline.
 * (The model itself also stays in IndexedDB.) These are GETs of /app/ files only.
 */
async function warmOfflineCache(): Promise<boolean> {
  const sw = navigator.serviceWorker
  if (!sw) return false
  if (!sw.controller)
    await Promise.race([new Promise((r) => sw.addEventListener('controllerchange', r, { once: true })), new Promise((r) => setTimeout(r, 10_000))])
  if (!sw.controller) return false
  const urls = new Set(
    performance
      .getEntriesByType('resource')
      .map((e) => e.name)
      .filter(isAppFile),
  )
  for (const f of ['manifest.json', 'model.onnx']) urls.add(new URL(`/app/models/readmission-onnx/${f}`, location.href).href)
  await Promise.all([...urls].map((u) => fetch(u).catch(() => undefined)))
  return true
}

const toFeatures = (inputs: Input[], v: Values) =>
  Object.fromEntries(inputs.map((i) => [i.name, i.type === 'boolean' ? v[i.name] === true : i.type === 'number' ? Number(v[i.name]) : String(v[i.name])]))

/**
 * Score a patient on this device: the form (or a FHIR Bundle read in the tab) → the ONNX model in
 * this tab on WebGPU, or WASM where WebGPU is missing. No API call: patient data never leaves.
 */
export default function ScorePage(_props: PageProps) {
  const [manifest, setManifest] = useState<Manifest | undefined>()
  const [manifestError, setManifestError] = useState<unknown>()
  const [values, setValues] = useState<Values>({ on_anticoagulant: false })
  const [engine, setEngine] = useState<{ state: 'loading' } | { state: 'ready'; provider: string } | { state: 'error'; error: unknown }>({ state: 'loading' })
  const [result, setResult] = useState<InTabScore | undefined>()
  const [scoring, setScoring] = useState(false)
  const [scoreError, setScoreError] = useState<unknown>()
  const [mapped, setMapped] = useState<(Mapped & { file: string }) | undefined>()
  const [fileError, setFileError] = useState<string | undefined>()
  const [offline, setOffline] = useState<boolean | undefined>()
  const others = useEgressWatch()

  useEffect(() => {
    let live = true
    fetch(MANIFEST_URL)
      .then((r) => (r.ok ? (r.json() as Promise<Manifest>) : Promise.reject(new Error(`manifest ${r.status}`))))
      .then(
        (m) => live && setManifest(m),
        (e: unknown) => live && setManifestError(e),
      )
    loadEngine()
      .then((m) => m.startEngine())
      .then(
        (e) => {
          if (!live) return
          setEngine({ state: 'ready', provider: e.provider })
          void warmOfflineCache().then((ok) => live && setOffline(ok))
        },
        (error: unknown) => live && setEngine({ state: 'error', error }),
      )
    return () => {
      live = false
    }
  }, [])

  async function onFile(e: ChangeEvent<HTMLInputElement>) {
    const f = e.target.files?.[0]
    setFileError(undefined)
    setMapped(undefined)
    if (!f || !manifest) return
    try {
      const m = featuresFromBundle(JSON.parse(await f.text()))
      setValues((v) => ({ ...v, ...Object.fromEntries(Object.entries(m.features).map(([k, x]) => [k, typeof x === 'boolean' ? x : String(x)])) }))
      setMapped({ ...m, file: f.name })
      setResult(undefined)
    } catch {
      setFileError(`${f.name} is not a FHIR Bundle (or Patient) in JSON.`)
    }
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault()
    if (!manifest) return
    setScoring(true)
    setScoreError(undefined)
    try {
      const m = await loadEngine()
      const r = await m.scoreInTab(toFeatures(manifest.inputs, values))
      setResult(r)
      setEngine({ state: 'ready', provider: r.provider })
    } catch (err) {
      setScoreError(err)
    } finally {
      setScoring(false)
    }
  }

  async function saveAudit() {
    const url = URL.createObjectURL(await (await loadEngine()).exportAudit())
    const a = Object.assign(document.createElement('a'), { href: url, download: 'nexora-on-device-audit.json' })
    document.body.append(a)
    a.click()
    a.remove()
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
  }

  const provider = engine.state === 'ready' ? engine.provider : undefined
  return (
    <>
      <h1>Score on this device</h1>
      <div className={`egress ${others.length ? 'egress-warn' : ''}`} role="note" aria-label="Data stays on this device" data-egress={others.length}>
        <strong>{others.length ? 'Requests other than app files were made' : 'No patient data leaves this device.'}</strong>{' '}
        {others.length
          ? `Since this page opened it requested: ${others.join(', ')}.`
          : 'The model runs in this tab; since this page opened it has fetched only app files (the model and its engine), and the audit trail stays here ' +
            'until you save it.'}
      </div>
      <p className="muted" aria-live="polite" data-engine={engine.state} data-provider={provider ?? ''} data-offline={offline === true ? 'ready' : ''}>
        {engine.state === 'loading' ? (
          'Preparing the model on this device…'
        ) : engine.state === 'ready' ? (
          <>
            Model ready on this device, running on <strong>{PROVIDER_NAMES[engine.provider] ?? engine.provider}</strong>.{offline ? ' Available offline.' : ''}
          </>
        ) : null}
      </p>
      {engine.state === 'error' ? (
        <div className="state error" role="alert">
          <strong>The model could not start on this device.</strong> {engine.error instanceof Error ? engine.error.message : ''} Reload the page to try again.
        </div>
      ) : null}
      {manifestError ? (
        <ErrorState error={manifestError} />
      ) : !manifest ? (
        <Loading label="Loading the model description…" />
      ) : (
        <div className="grid score-grid">
          <section className="card" aria-labelledby="score-patient">
            <h2 id="score-patient">Patient</h2>
            <p className="muted">{manifest.description}</p>
            <label className="wide">
              Load a FHIR Bundle from this device (read here, never uploaded)
              <input type="file" accept=".json,application/json,application/fhir+json" onChange={onFile} />
            </label>
            {fileError ? (
              <p className="state error" role="alert">
                {fileError}
              </p>
            ) : null}
            {mapped ? (
              <div className="score-mapped" role="status">
                <p>
                  From {mapped.file}: {Object.keys(mapped.sources).length} value{Object.keys(mapped.sources).length === 1 ? '' : 's'} filled in
                  {mapped.notFound.length ? `; not in the bundle: ${mapped.notFound.join(', ')} (enter them below)` : ''}.
                </p>
                <ul>
                  {Object.entries(mapped.sources).map(([k, s]) => (
                    <li key={k}>
                      <strong>{k}</strong>: {s}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
            <form className="score-form" onSubmit={onSubmit}>
              {manifest.inputs.map((i) => {
                // Years and days are already in the descriptions ("Age … in years"); other units are shown.
                const label = `${i.description ?? i.name}${i.unit && i.unit !== 'a' && i.unit !== 'd' ? ` (${i.unit})` : ''}`
                if (i.type === 'boolean')
                  return (
                    <label key={i.name} className="check">
                      <input
                        type="checkbox"
                        name={i.name}
                        checked={values[i.name] === true}
                        onChange={(e) => setValues({ ...values, [i.name]: e.target.checked })}
                      />{' '}
                      {label}
                    </label>
                  )
                if (i.type === 'category')
                  return (
                    <label key={i.name}>
                      {label}
                      <select name={i.name} required value={String(values[i.name] ?? '')} onChange={(e) => setValues({ ...values, [i.name]: e.target.value })}>
                        <option value="">Choose…</option>
                        {(i.categories ?? []).map((c) => (
                          <option key={c} value={c}>
                            {c}
                          </option>
                        ))}
                      </select>
                    </label>
                  )
                return (
                  <label key={i.name}>
                    {label}
                    <input
                      type="number"
                      name={i.name}
                      required
                      step="any"
                      min={i.min}
                      max={i.max}
                      inputMode="decimal"
                      value={String(values[i.name] ?? '')}
                      onChange={(e) => setValues({ ...values, [i.name]: e.target.value })}
                    />
                  </label>
                )
              })}
              <div className="wide">
                <button type="submit" disabled={scoring || engine.state === 'loading'}>
                  {scoring ? 'Scoring…' : 'Score on this device'}
                </button>
              </div>
            </form>
          </section>
          <section className="card" aria-labelledby="score-result">
            <h2 id="score-result">Result</h2>
            <div aria-live="polite">
              {scoreError ? <ErrorState error={scoreError} /> : null}
              {result ? (
                <>
                  <p className="score-value">
                    <output data-score={String(result.score)} data-provider={result.provider}>
                      {(result.score * 100).toFixed(1)} %
                    </output>{' '}
                    30-day readmission risk
                    {result.label ? (
                      <>
                        {' '}
                        — <span className={`badge ${result.label === 'high' ? 'critical' : 'ok'}`}>{result.label}</span>
                      </>
                    ) : null}
                  </p>
                  <p>
                    Computed in this tab with <strong>{PROVIDER_NAMES[result.provider] ?? result.provider}</strong> ({manifest.name} {manifest.version}
                    {manifest.threshold !== undefined ? `, threshold ${manifest.threshold}` : ''}).
                  </p>
                  {result.explanation.length ? (
                    <TableWrap label="Contributions">
                      <table>
                        <caption>What moved the risk (contributions on the logit scale)</caption>
                        <thead>
                          <tr>
                            <th scope="col">Feature</th>
                            <th scope="col">Value</th>
                            <th scope="col">Contribution</th>
                          </tr>
                        </thead>
                        <tbody>
                          {result.explanation.slice(0, 8).map((c) => (
                            <tr key={c.feature}>
                              <td>{c.feature}</td>
                              <td>{String(c.value ?? '—')}</td>
                              <td>
                                {c.contribution >= 0 ? '+' : ''}
                                {c.contribution.toFixed(3)}
                              </td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </TableWrap>
                  ) : null}
                  <button type="button" className="secondary" onClick={() => void saveAudit()}>
                    Save this device's audit trail
                  </button>
                </>
              ) : (
                <p className="state empty">Fill in the patient (or load a FHIR Bundle) and score: the result appears here.</p>
              )}
            </div>
          </section>
        </div>
      )}
    </>
  )
}
