import { useState } from 'react'
import { api } from '../../api/client.ts'
import { fmtCell, TableWrap } from '../../ui/table.tsx'
import { Empty, ErrorState, Loading } from '../../ui/states.tsx'
import { useApi } from '../../ui/use-api.ts'
import type { FairnessReport, GroupRow, ModelInput, Window } from './types.ts'

/** A between-group difference at or above this is highlighted (the usual 0.1 rule of thumb). */
export const GAP = 0.1
const METRICS: [keyof GroupRow, string][] = [
  ['selectionRate', 'Selection rate'],
  ['tpr', 'TPR (sensitivity)'],
  ['fpr', 'FPR'],
  ['ppv', 'PPV'],
  ['ece', 'ECE'],
]
const GAPS: [string, string][] = [
  ['demographicParityDifference', 'Demographic parity difference'],
  ['equalOpportunityDifference', 'Equal opportunity difference (TPR)'],
  ['equalizedOddsDifference', 'Equalized odds difference'],
  ['predictiveParityDifference', 'Predictive parity difference (PPV)'],
  ['eceDifference', 'Calibration (ECE) difference'],
]

/** Per-group metrics for a chosen attribute, with gaps of GAP or more highlighted. */
export function FairnessSection({ model, version, window, inputs }: { model: string; version: string; window: Window; inputs: ModelInput[] }) {
  const choices = inputs.filter((i) => i.type === 'category' || i.type === 'boolean')
  const [picked, setPicked] = useState('')
  const attribute = choices.some((c) => c.name === picked) ? picked : (choices[0]?.name ?? '')
  const fair = useApi(
    () =>
      attribute ? api.get<FairnessReport>('/monitoring/fairness', { model, version, from: window.from, to: window.to, attribute }) : Promise.resolve(undefined),
    [model, version, window, attribute],
  )
  const r = fair.data
  return (
    <section className="card" aria-labelledby="mon-fair">
      <h2 id="mon-fair">Fairness</h2>
      {choices.length === 0 ? (
        <Empty>This model has no categorical inputs to compare groups by.</Empty>
      ) : (
        <>
          <form className="inline" onSubmit={(e) => e.preventDefault()}>
            <label>
              Attribute
              <select value={attribute} onChange={(e) => setPicked(e.target.value)}>
                {choices.map((c) => (
                  <option key={c.name} value={c.name}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
          </form>
          {fair.loading && !r ? (
            <Loading label="Loading fairness…" />
          ) : fair.error ? (
            <ErrorState error={fair.error} />
          ) : !r ? null : r.n === 0 ? (
            <Empty>No predictions with outcomes in this window, so groups cannot be compared yet (see Performance for how to post outcomes).</Empty>
          ) : (
            <FairnessTable r={r} />
          )}
        </>
      )}
    </section>
  )
}

function FairnessTable({ r }: { r: FairnessReport }) {
  const big = r.byGroup.filter((g) => !g.small)
  // For each metric, the groups at the extremes when their gap is GAP or more.
  const flagged = new Map<string, Set<string>>()
  for (const [key] of METRICS) {
    const vals = big.map((g) => [g.key, g[key] as number | null] as const).filter((v): v is readonly [string, number] => typeof v[1] === 'number')
    if (vals.length < 2) continue
    const max = Math.max(...vals.map((v) => v[1]))
    const min = Math.min(...vals.map((v) => v[1]))
    if (max - min >= GAP) flagged.set(key, new Set(vals.filter((v) => v[1] === max || v[1] === min).map((v) => v[0])))
  }
  return (
    <>
      <ul className="mon-gaps">
        {GAPS.map(([key, label]) => {
          const v = r.disparities[key] as number | null
          const high = typeof v === 'number' && v >= GAP
          return (
            <li key={key}>
              <span>{label}</span>{' '}
              <span className={`badge ${high ? 'warning' : v === null ? '' : 'ok'}`}>
                {fmtCell(v)}
                {high ? ' — gap ≥ 0.1' : ''}
              </span>
            </li>
          )
        })}
      </ul>
      <TableWrap label="Fairness per group">
        <table className="mon-fairness">
          <caption>
            {`Per group by ${r.attributes.join(' × ')} at the threshold ${r.threshold}; highlighted cells are the extremes of a gap of ${GAP} or more. `}
            {`Groups under ${r.minGroupSize} are marked small and left out of the gaps.`}
          </caption>
          <thead>
            <tr>
              <th scope="col">Group</th>
              <th scope="col">n</th>
              <th scope="col">Positives</th>
              {METRICS.map(([, label]) => (
                <th key={label} scope="col">
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {r.byGroup.map((g) => (
              <tr key={g.key}>
                <th scope="row">
                  {g.key}
                  {g.small ? (
                    <>
                      {' '}
                      <span className="badge">small</span>
                    </>
                  ) : null}
                </th>
                <td>{g.n}</td>
                <td>{g.positives}</td>
                {METRICS.map(([key]) => {
                  const gap = flagged.get(key)?.has(g.key)
                  return (
                    <td key={key} className={gap ? 'gap' : undefined}>
                      {fmtCell(g[key] as number | null)}
                      {gap ? <span className="visually-hidden"> (gap)</span> : null}
                    </td>
                  )
                })}
              </tr>
            ))}
            <tr className="overall">
              <th scope="row">Overall</th>
              <td>{r.overall.n}</td>
              <td>{r.overall.positives}</td>
              {METRICS.map(([key]) => (
                <td key={key}>{fmtCell((r.overall as unknown as Record<string, number | null>)[key])}</td>
              ))}
            </tr>
          </tbody>
        </table>
      </TableWrap>
    </>
  )
}
