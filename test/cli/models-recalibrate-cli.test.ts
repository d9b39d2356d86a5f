import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seededRandom } from '../../core/index.ts'
import { crossValidateRecalibration, fitLogisticRecalibration } from '../../plugins/monitoring/index.ts'
import { sqlStorage } from '../../plugins/storage-sql/index.ts'
import { cliRunner } from '../../testkit/cli.ts'
import { heldOut, monitoredNexora, scoreCohort } from '../../testkit/monitoring.ts'
import { post } from '../../testkit/nexora.ts'

const dir = mkdtempSync(join(tmpdir(), 'nexora-recalibrate-cli-'))
const db = `file:${join(dir, 'site.db')}`
const nexora = cliRunner()
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z))
const logit = (p: number) => Math.log(p / (1 - p))
let labels: number[] = []
let scores: number[] = []

/** A site database: 300 scored discharges of the demo model, outcomes drawn off its calibration. */
beforeAll(async () => {
  const site = await monitoredNexora({}, sqlStorage({ url: db }))
  const scored = await scoreCohort(site.nexora, heldOut().slice(0, 300))
  await site.flush()
  const random = seededRandom(11)
  const outcomes = scored.scores.map((s, i) => ({
    model: 'readmission-risk',
    predictionId: scored.predictionIds[i],
    value: random.next() < sigmoid(-0.5 + 0.7 * logit(s)) ? 1 : 0,
  }))
  await site.nexora.app.request('/monitoring/outcomes', post('', { outcomes }))
  const window = await site.nexora.ports.get('predictionLog').window({ model: 'readmission-risk', version: '1.0.0' }, 30 * 86_400_000)
  labels = window.map((r) => r.outcome!)
  scores = window.map((r) => r.score)
  await site.nexora.close()
}, 120_000)

describe('nexora models recalibrate', () => {
  it('fits on the site database, prints the new version and its figures, and registers it unpromoted', async () => {
    const out = await nexora('models', 'recalibrate', '--db', db, '--model', 'readmission-risk', '--version', '1.0.0', '--method', 'logistic', '--seed', '3')
    expect(out.stderr).toBe('')
    expect(out.code).toBe(0)
    const result = JSON.parse(out.stdout)
    const fit = fitLogisticRecalibration(labels, scores)
    expect(result).toMatchObject({ model: 'readmission-risk', version: '1.0.1', base: '1.0.0', method: 'logistic', n: 300, horizonDays: 30 })
    expect(result.calibration.intercept).toBeCloseTo(fit.intercept, 12)
    expect(result.calibration.slope).toBeCloseTo(fit.slope, 12)
    expect(result.cv.after.brier).toBeCloseTo(crossValidateRecalibration(labels, scores, { method: 'logistic', seed: 3 }).after.brier, 12)

    const list = JSON.parse((await nexora('models', 'list', '--db', db)).stdout)
    const model = list.models.find((m: { name: string }) => m.name === 'readmission-risk')
    expect(model.versions.map((v: { version: string; stage: string }) => [v.version, v.stage])).toEqual([
      ['1.0.0', 'production'],
      ['1.0.1', 'none'],
    ])
    expect(model.aliases.production).toBe('1.0.0')
  })

  it('takes the horizon from the monitoring settings, refuses an empty window with its code, and checks its flags', async () => {
    const settings = join(dir, 'monitoring.json')
    writeFileSync(settings, JSON.stringify({ horizonDays: { 'readmission-risk': 60 } }))
    const withSettings = cliRunner({ env: { NEXORA_MONITORING_CONFIG: settings } })
    const empty = await withSettings(
      'models',
      'recalibrate',
      '--db',
      db,
      '--model',
      'readmission-risk',
      '--version',
      '1.0.0',
      '--method',
      'isotonic',
      '--from',
      '2100-01-01T00:00:00Z',
    )
    expect(empty.code).toBe(1)
    expect(JSON.parse(empty.stderr)).toMatchObject({ code: 'monitoring.insufficient_outcomes' })
    const isotonic = await withSettings(
      'models',
      'recalibrate',
      '--db',
      db,
      '--model',
      'readmission-risk',
      '--version',
      '1.0.0',
      '--method',
      'isotonic',
      '--new-version',
      '1.1.0',
    )
    expect(isotonic.code).toBe(0)
    expect(JSON.parse(isotonic.stdout)).toMatchObject({ version: '1.1.0', horizonDays: 60, calibration: { method: 'isotonic' } })
    for (const args of [
      ['--method', 'platt'],
      ['--method', 'logistic', '--from', 'yesterday'],
    ]) {
      const bad = await nexora('models', 'recalibrate', '--db', db, '--model', 'readmission-risk', '--version', '1.0.0', ...args)
      expect(bad.code, args.join(' ')).toBe(2)
    }
  })
})
