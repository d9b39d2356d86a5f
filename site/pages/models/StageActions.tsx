import { useEffect, useRef, useState } from 'react'
import { api } from '../../api/client.ts'
import { ErrorState, Progress } from '../../ui/states.tsx'
import { modelPath, STAGE_LABEL, type ModelSummary, type Stage } from './types.tsx'

type Action = { kind: 'promote'; stage: 'staging' | 'production' } | { kind: 'archive' }
const describe = (a: Action) => (a.kind === 'archive' ? 'Archive' : `Promote to ${a.stage}`)

/**
 * Promote a version to staging or production, or archive it, behind a confirm step; the outcome
 * (or the API's error title) is announced. Only rendered for callers with nexora/models.write.
 */
export function StageActions({ name, version, stage, onChanged }: { name: string; version: string; stage: Stage; onChanged: (model: ModelSummary) => void }) {
  const [pending, setPending] = useState<Action>()
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<{ ok: string } | { error: unknown }>()
  const confirmRef = useRef<HTMLDivElement>(null)
  const resultRef = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (pending) confirmRef.current?.focus()
  }, [pending])

  const run = async (action: Action) => {
    setBusy(true)
    setResult(undefined)
    try {
      const model =
        action.kind === 'archive'
          ? await api.post<ModelSummary>(`${modelPath(name, version)}/archive`)
          : await api.post<ModelSummary>(`${modelPath(name, version)}/promote`, { stage: action.stage })
      const now = model.versions.find((v) => v.version === version)?.stage ?? stage
      setResult({ ok: `${name} ${version} is now ${STAGE_LABEL[now].toLowerCase()}.` })
      onChanged(model)
    } catch (error) {
      setResult({ error })
    } finally {
      setBusy(false)
      setPending(undefined)
      // The confirm panel goes away: keep keyboard focus on the outcome, not the document body.
      requestAnimationFrame(() => resultRef.current?.focus())
    }
  }

  const archived = stage === 'archived'
  const actions: Action[] = [{ kind: 'promote', stage: 'staging' }, { kind: 'promote', stage: 'production' }, { kind: 'archive' }]
  return (
    <section className="stage-actions" aria-labelledby="stage-actions-h">
      <h3 id="stage-actions-h">Change stage</h3>
      <div className="actions">
        {actions.map((a) => {
          const current = a.kind === 'archive' ? archived : stage === a.stage
          return (
            <button
              key={describe(a)}
              type="button"
              className={a.kind === 'archive' ? 'secondary danger' : 'secondary'}
              disabled={busy || archived || current || !!pending}
              onClick={() => {
                setResult(undefined)
                setPending(a)
              }}
            >
              {describe(a)}
            </button>
          )
        })}
      </div>
      {archived ? <p className="muted">An archived version cannot be promoted again.</p> : null}
      {pending ? (
        <div className="confirm" role="group" aria-labelledby="stage-confirm-q" tabIndex={-1} ref={confirmRef}>
          <p id="stage-confirm-q">
            <strong>
              {pending.kind === 'archive'
                ? `Archive ${name} ${version}? It loses its aliases and serves no more predictions.`
                : `Promote ${name} ${version} to ${pending.stage}? The ${pending.stage} alias will point at this version.`}
            </strong>
          </p>
          <div className="actions">
            <button type="button" disabled={busy} onClick={() => void run(pending)}>
              Confirm: {describe(pending).toLowerCase()}
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={() => setPending(undefined)}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
      {busy ? <Progress label="Saving…" /> : null}
      <div ref={resultRef} tabIndex={-1} className="result">
        {result && 'ok' in result ? (
          <p className="state ok" role="status">
            {result.ok}
          </p>
        ) : null}
        {result && 'error' in result ? <ErrorState error={result.error} /> : null}
      </div>
    </section>
  )
}
