import { Empty } from '../../ui/states.tsx'

const NAMES: Record<string, string> = {
  auroc: 'AUROC',
  auprc: 'AUPRC',
  brier: 'Brier score',
  logLoss: 'Log-loss',
  ece: 'Expected calibration error',
  n: 'Rows (n)',
  cIndex: 'C-index',
  logLikelihood: 'Log-likelihood',
  meanPredictedRisk: 'Mean predicted risk',
  observedRisk: 'Observed risk',
  sensitivity: 'Sensitivity',
  specificity: 'Specificity',
  ppv: 'PPV',
  npv: 'NPV',
  accuracy: 'Accuracy',
  f1: 'F1',
}

const GROUPS: Record<string, string> = {
  heldout: 'Held-out',
  insample: 'In-sample',
  validation: 'Validation',
  train: 'Training',
  training: 'Training',
  test: 'Test',
}

/** `heldout_auroc` → { group: 'Held-out', name: 'AUROC' }; `insample_auroc` → { group: 'In-sample', … }; a bare key has no group. */
export function metricLabel(key: string): { group: string; name: string } {
  const m = /^(heldout|insample|validation|train|training|test)_(.+)$/.exec(key)
  const rest = m ? m[2]! : key
  return { group: m ? GROUPS[m[1]!]! : '', name: NAMES[rest] ?? rest.replace(/_/g, ' ') }
}

/** `training.split` as `nexora train` records it (bin/honest-metrics.ts). */
interface Split {
  method?: string
  fraction?: number
  folds?: number
  seed?: number
  trainRows?: number
  testRows?: number
}

/** One sentence on how the held-out rows were chosen; undefined when the manifest does not say. */
export function splitNote(split: unknown): string | undefined {
  if (!split || typeof split !== 'object') return undefined
  const s = split as Split
  if (s.method === 'stratified-holdout')
    return `Held-out: ${s.testRows} rows (a seeded stratified ${Math.round((s.fraction ?? 0) * 100)}% hold-out, seed ${s.seed}) the model never trained on.`
  if (s.method === 'kfold')
    return `Held-out: mean ± SD over ${s.folds}-fold stratified cross-validation (seed ${s.seed}); the registered model was then trained on every row.`
  if (s.method === 'none') return 'No rows were held out: there are no held-out figures for this version.'
  return undefined
}

/**
 * How a row says where its figure was measured. Held-out carries its n; in-sample (the model
 * scored on its own training rows) is flagged as optimistic; a bare key from before the
 * convention could be either, and says so.
 */
function qualifier(group: string, n: number | undefined) {
  if (group === 'Held-out') return n !== undefined ? `held-out, n=${n.toLocaleString()}` : 'held-out'
  if (group === 'In-sample') return 'in-sample, optimistic'
  return group ? group.toLowerCase() : 'not labelled: may be in-sample'
}

const ORDER: Record<string, number> = { 'Held-out': 0, Validation: 1, Test: 1, '': 2, Training: 3, 'In-sample': 3 }
const format = (v: number) => (Number.isInteger(v) ? v.toLocaleString() : Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(3))

/**
 * The manifest's metrics and the decision threshold: held-out first (with its n, and ± SD under
 * cross-validation), in-sample last and flagged as optimistic. Calibration bins are left to the
 * plot, and `<tag>_n` and `<metric>_sd` are folded into the rows they qualify.
 */
export function Metrics({ metrics, threshold, split }: { metrics?: Record<string, number>; threshold?: number; split?: unknown }) {
  const all = metrics ?? {}
  const rows = Object.entries(all)
    .filter(([k]) => !/_(predicted|pred|observed|obs|sd)$/.test(k) && !/^(heldout|insample)_n$/.test(k))
    .map(([k, v]) => ({ key: k, value: v, sd: all[`${k}_sd`], ...metricLabel(k) }))
    .sort((a, b) => ORDER[a.group]! - ORDER[b.group]!)
  if (rows.length === 0 && threshold === undefined) return <Empty>This version records no metrics.</Empty>
  const note = splitNote(split)
  const inSample = rows.some((r) => r.group === 'In-sample')
  return (
    <div className="table-wrap">
      <table className="metrics">
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {threshold !== undefined ? (
            <tr>
              <th scope="row">Decision threshold</th>
              <td>{threshold}</td>
            </tr>
          ) : null}
          {rows.map((r) => (
            <tr key={r.key}>
              <th scope="row">
                {r.name}
                <span className="muted"> ({qualifier(r.group, all.heldout_n)})</span>
              </th>
              <td>
                {format(r.value)}
                {r.sd !== undefined ? <span className="muted"> ± {format(r.sd)}</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {note ? <p className="muted">{note}</p> : null}
      {inSample ? (
        <p className="muted">In-sample figures score the model on the rows it trained on, so they overstate how it will do on new patients.</p>
      ) : null}
    </div>
  )
}
