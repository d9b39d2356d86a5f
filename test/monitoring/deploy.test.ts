import { execFile } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

const run = promisify(execFile)
const deploy = (file: string) => new URL(`../../docs/deploy/${file}`, import.meta.url).pathname

describe('docs/deploy monitoring files', () => {
  it('alert rules pass promtool check and their unit tests', async () => {
    const check = await run('promtool', ['check', 'rules', deploy('alerts.yml')]).catch((e: Error) => {
      throw new Error(`promtool (Debian package "prometheus", installed by .ci/run) failed: ${e.message}`)
    })
    expect(check.stdout).toMatch(/SUCCESS: \d+ rules found/)
    const tests = await run('promtool', ['test', 'rules', deploy('alerts.test.yml')])
    expect(tests.stdout).toContain('SUCCESS')
  })

  it('the dashboard and the alert rules query only metrics that the code registers', () => {
    // Every metric name the code registers, as a string literal in core/ or plugins/ (histograms add _bucket).
    const root = new URL('../../', import.meta.url).pathname
    const walk = (dir: string): string[] =>
      readdirSync(join(root, dir)).flatMap((n) => (statSync(join(root, dir, n)).isDirectory() ? walk(join(dir, n)) : n.endsWith('.ts') ? [join(dir, n)] : []))
    const registered = new Set(
      [...walk('core'), ...walk('plugins')].flatMap((f) => [...readFileSync(join(root, f), 'utf8').matchAll(/'(nexora_[a-z_]+)'/g)].map((m) => m[1]!)),
    )
    expect(registered.has('nexora_model_auroc') && registered.has('nexora_http_requests_total')).toBe(true)
    const dashboard = JSON.parse(readFileSync(deploy('grafana-dashboard.json'), 'utf8'))
    const exprs: string[] = dashboard.panels.flatMap((p: { targets: { expr: string }[] }) => p.targets.map((t) => t.expr))
    const rules = readFileSync(deploy('alerts.yml'), 'utf8')
    const names = [...exprs, rules].flatMap((e) => e.match(/nexora_[a-z_]+/g) ?? []).map((n) => n.replace(/_(bucket|count|sum)$/, ''))
    expect(names.length).toBeGreaterThan(8)
    expect([...new Set(names.filter((n) => !registered.has(n)))]).toEqual([])
  })

  it('every alert rule has a runbook in docs/deploy/README.md, and every runbook an alert', () => {
    const rules = parse(readFileSync(deploy('alerts.yml'), 'utf8')) as { groups: { rules: { alert: string }[] }[] }
    const alerts = rules.groups.flatMap((g) => g.rules.map((r) => r.alert))
    expect(alerts.length).toBeGreaterThan(5)
    const readme = readFileSync(deploy('README.md'), 'utf8')
    const start = readme.indexOf('\n## Runbooks\n')
    expect(start).toBeGreaterThan(0)
    const end = readme.indexOf('\n## ', start + 1)
    const runbooks = readme.slice(start, end < 0 ? undefined : end)
    const sections = runbooks.split(/^### /m).slice(1)
    expect(sections.map((s) => s.slice(0, s.indexOf('\n'))).sort()).toEqual([...alerts].sort())
    // Each says what the alert means and gives commands to run first.
    for (const section of sections) {
      expect(section, section.slice(0, 40)).toContain('**Means**')
      expect(section, section.slice(0, 40)).toMatch(/```sh\n.+\n/)
    }
  })
})
