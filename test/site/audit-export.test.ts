import { describe, expect, it } from 'vitest'
import { accessByUser } from '../../site/pages/audit/AccessReport.tsx'
import { csvCell, eventsToCsv } from '../../site/pages/audit/csv.ts'
import { filterQuery, NO_FILTERS, type AuditEvent } from '../../site/pages/audit/types.ts'

const event = (seq: number, actor: string, ts: string, action = 'chart.view', outcome: AuditEvent['outcome'] = 'success'): AuditEvent => ({
  seq,
  ts,
  actor,
  action,
  outcome,
  patientRef: 'Patient/1',
  context: { via: 'http' },
  prevHash: 'a',
  hash: 'b',
})

describe('audit viewer helpers', () => {
  it('writes RFC 4180 CSV with formula-injection guarded', () => {
    expect([csvCell('plain'), csvCell('a,b'), csvCell('say "hi"'), csvCell('x\ny'), csvCell(null), csvCell(3), csvCell({ a: 1 })]).toEqual([
      'plain',
      '"a,b"',
      '"say ""hi"""',
      '"x\ny"',
      '',
      '3',
      '"{""a"":1}"',
    ])
    expect([csvCell('=HYPERLINK("x")'), csvCell('+1'), csvCell('@cmd'), csvCell('-2')]).toEqual(['"\'=HYPERLINK(""x"")"', "'+1", "'@cmd", "'-2"])
    const csv = eventsToCsv([event(1, 'dr-a', '2026-01-01T00:00:00Z')])
    expect(csv.split('\r\n')).toEqual([
      'seq,ts,actor,action,outcome,patientRef,model,version,reason,requestId,ip,context,prevHash,hash',
      '1,2026-01-01T00:00:00Z,dr-a,chart.view,success,Patient/1,,,,,,"{""via"":""http""}",a,b',
      '',
    ])
  })

  it("groups a patient's events by user with first and last access", () => {
    const users = accessByUser([
      event(1, 'dr-a', '2026-01-01T10:00:00Z'),
      event(2, 'dr-b', '2026-01-02T10:00:00Z', 'predict.request'),
      event(3, 'dr-a', '2026-01-03T10:00:00Z', 'predict.response'),
      event(4, 'dr-b', '2026-01-02T11:00:00Z', 'chart.view', 'denied'),
    ])
    expect(users).toEqual([
      { user: 'dr-a', events: 2, first: '2026-01-01T10:00:00Z', last: '2026-01-03T10:00:00Z', actions: ['chart.view', 'predict.response'], denied: 0 },
      { user: 'dr-b', events: 2, first: '2026-01-02T10:00:00Z', last: '2026-01-02T11:00:00Z', actions: ['predict.request', 'chart.view'], denied: 1 },
    ])
  })

  it('turns the date filters into whole local days', () => {
    const q = filterQuery({ ...NO_FILTERS, from: '2026-03-01', to: '2026-03-01', action: ' predict.response ' })
    expect(q.action).toBe('predict.response')
    expect(Date.parse(String(q.to)) - Date.parse(String(q.from))).toBe(86_400_000)
    expect(new Date(String(q.from)).getDate()).toBe(1)
  })
})
