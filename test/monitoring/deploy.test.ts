import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const deploy = (file: string) => new URL(`../../docs/deploy/${file}`, import.meta.url).pathname

describe('docs/deploy monitoring files', () => {
  it('alert rules pass promtool check and their unit tests', async () => {
    const check = await run('promtool', ['check', 'rules', deploy('alerts.yml')]).catch((e: Error) => { throw new Error(`promtool (Debian package "prometheus", installed by .ci/run) failed: ${e.message}`) })
    expect(check.stdout).toMatch(/SUCCESS: \d+ rules found/)
    const tests = await run('promtool', ['test', 'rules', deploy('alerts.test.yml')])
    expect(tests.stdout).toContain('SUCCESS')
  })

  it('the Grafana dashboard queries only metrics Nexora exposes or the alert rules use', () => {
    const dashboard = JSON.parse(readFileSync(deploy('grafana-dashboard.json'), 'utf8'))
    const exprs: string[] = dashboard.panels.flatMap((p: { targets: { expr: string }[] }) => p.targets.map((t) => t.expr))
    const known = /^nexora_(http_requests_total|http_request_duration_seconds_bucket|predictions_total|audit_commit_seconds_bucket|audit_events_total|model_load_seconds_bucket|model_auroc|feature_psi|fairness_gap)$/
    const names = exprs.flatMap((e) => e.match(/nexora_[a-z_]+/g) ?? [])
    expect(names.length).toBeGreaterThan(8)
    expect(names.filter((n) => !known.test(n))).toEqual([])
  })
})
