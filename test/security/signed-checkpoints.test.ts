import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compactVerify, importJWK, type JWK } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNexora, generateCheckpointKey, openCheckpoint, sealEvents, type AuditEvent, type Nexora, type SignedCheckpoint } from '../../core/index.ts'
import { auditSigning, auditWitnesses, fileWitness, sqlWitness, urlWitness } from '../../plugins/audit-witness/index.ts'
import { sqlStorage } from '../../plugins/storage-sql/index.ts'
import { openLibsql } from '../../plugins/storage-sql/libsql.ts'
import { cliRunner } from '../../testkit/cli.ts'

const dir = mkdtempSync(join(tmpdir(), 'nexora-signed-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let key: { privateJwk: JWK; publicJwk: JWK }
beforeAll(async () => {
  key = await generateCheckpointKey('EdDSA', 'audit-test-1')
})

let n = 0
/** A Nexora on a fresh libSQL file that signs checkpoints into a witness file; 10 events between checkpoints. */
async function signedTrail(events = 30, every = 10) {
  n += 1
  const db = `file:${join(dir, `trail-${n}.db`)}`
  const witnessFile = join(dir, `witness-${n}.jws`)
  const open = (withKey = true) =>
    createNexora({
      plugins: [
        sqlStorage({ url: db }),
        ...(withKey ? auditSigning({ key: key.privateJwk, witnesses: [fileWitness(witnessFile)] }) : auditWitnesses([fileWitness(witnessFile)])),
      ],
      config: { auditPublicKeys: [key.publicJwk] },
    })
  const nexora = await open()
  for (let i = 1; i <= events; i++) {
    await nexora.audit.logDataAccess({ userId: `user-${i % 3}`, action: 'chart.view', patientId: `Patient/${i}` })
    if (i % every === 0) await nexora.audit.checkpoint()
  }
  const raw = await openLibsql(db, 'full')
  return { db, witnessFile, nexora, raw, open }
}

/** What an attacker with write access to the database does after editing a row: re-seal and rewrite everything from it on. */
async function rechainFrom(raw: Awaited<ReturnType<typeof openLibsql>>, nexora: Nexora, seq: number) {
  const { events } = await nexora.ports.get('auditSink').query({}, { limit: 10_000 })
  const from = events.filter((e) => e.seq >= seq)
  from[0] = { ...from[0]!, actor: 'mallory' }
  const before = events.find((e) => e.seq === seq - 1)!
  const resealed = await sealEvents(
    { seq: before.seq, hash: before.hash },
    from.map(({ seq: _s, prevHash: _p, hash: _h, ...input }) => input),
  )
  for (const e of resealed)
    await raw.db.run(`update audit_events set actor = '${e.actor}', prev_hash = '${e.prevHash}', hash = '${e.hash}' where seq = ${e.seq}`)
}

describe('signed checkpoints (libSQL file, a file witness)', () => {
  it('catches rows deleted up to a signed checkpoint even when the checkpoints in the database are deleted too', async () => {
    const { nexora, raw } = await signedTrail(40)
    await raw.db.run('delete from audit_events where seq >= 28')
    await raw.db.run('delete from audit_checkpoints')
    // The database alone cannot tell: this is the hole the issue found.
    expect(await nexora.ports.get('auditSink').verify()).toMatchObject({ ok: true, events: 27 })
    const result = await nexora.audit.verify()
    expect(result).toMatchObject({
      ok: false,
      firstBadSeq: 28,
      reason: 'truncated',
      breaks: [{ fromSeq: 28, toSeq: 40, reason: 'truncated' }],
      signed: { checked: 4, latest: { seq: 40, kid: 'audit-test-1' } },
    })
    await nexora.close()
    await raw.close()
  })

  it('catches an edited row re-chained to the end, and narrows it to the range between two checkpoints', async () => {
    const { nexora, raw } = await signedTrail(40)
    await rechainFrom(raw, nexora, 15)
    await raw.db.run('delete from audit_checkpoints')
    expect(await nexora.ports.get('auditSink').verify()).toMatchObject({ ok: true, events: 40 })
    expect(await nexora.audit.verify()).toMatchObject({ ok: false, breaks: [{ fromSeq: 11, toSeq: 20, reason: 'checkpoint_mismatch' }] })
    await nexora.close()
    await raw.close()
  })

  it('reports every broken range, not only the first', async () => {
    const { nexora, raw } = await signedTrail(30)
    await raw.db.run(`update audit_events set actor = 'mallory' where seq in (3, 7)`)
    await raw.db.run('delete from audit_events where seq in (12, 13)')
    await raw.db.run('delete from audit_events where seq >= 26')
    expect((await nexora.audit.verify()).breaks).toEqual([
      { fromSeq: 3, toSeq: 3, reason: 'hash_mismatch' },
      { fromSeq: 7, toSeq: 7, reason: 'hash_mismatch' },
      { fromSeq: 12, toSeq: 13, reason: 'sequence_gap' },
      { fromSeq: 26, toSeq: 30, reason: 'truncated' },
    ])
    await nexora.close()
    await raw.close()
  })

  it('writes checkpoints any JOSE library verifies with the public key alone, and refuses forged ones', async () => {
    const { nexora, witnessFile, raw } = await signedTrail(20)
    const lines = readFileSync(witnessFile, 'utf8').trim().split('\n')
    expect(lines).toHaveLength(2)
    const { payload, protectedHeader } = await compactVerify(lines[1]!, await importJWK(key.publicJwk, 'EdDSA'))
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: 'audit-test-1', typ: 'nexora-audit-checkpoint+jws' })
    const { events } = await nexora.ports.get('auditSink').query({}, { limit: 1, afterSeq: 19 })
    expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({ seq: 20, hash: events[0]!.hash })
    // Another key, a changed payload, a token of another type: each is refused.
    const other = await generateCheckpointKey('ES384', 'audit-test-1')
    await expect(openCheckpoint(lines[1]!, [other.publicJwk])).rejects.toMatchObject({ code: 'audit.checkpoint_invalid' })
    const [h, , s] = lines[1]!.split('.')
    const forgedPayload = Buffer.from(JSON.stringify({ seq: 20, hash: '0'.repeat(64), ts: '2026-01-01T00:00:00Z' })).toString('base64url')
    await expect(openCheckpoint(`${h}.${forgedPayload}.${s}`, [key.publicJwk])).rejects.toMatchObject({ code: 'audit.checkpoint_invalid' })
    // A forged line in the witness fails the verification without hiding the valid ones.
    writeFileSync(witnessFile, `${h}.${forgedPayload}.${s}\n`, { flag: 'a' })
    expect(await nexora.audit.verify()).toMatchObject({ ok: false, reason: 'invalid_signed_checkpoint', signed: { checked: 2, invalid: 1 } })
    await nexora.close()
    await raw.close()
  })

  it('holds the chain against a checkpoint an auditor kept, over HTTP, and answers 422 for a forged one', async () => {
    const { nexora, raw } = await signedTrail(20)
    const kept = (await nexora.audit.checkpoint()) as { jws: string }
    await raw.db.run('delete from audit_events where seq >= 15')
    await raw.db.run('delete from audit_checkpoints')
    const verify = (body: unknown) =>
      nexora.app.request('/audit/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const res = await verify({ checkpoints: [kept.jws] })
    expect(res.status).toBe(200)
    // The request's own access event lands after the cached head (seq 21): the deleted rows are a gap below it.
    expect(await res.json()).toMatchObject({ ok: false, breaks: [{ fromSeq: 15, toSeq: 20, reason: 'sequence_gap' }] })
    const forged = await verify({ checkpoints: [`${kept.jws.slice(0, -4)}AAAA`] })
    expect(forged.status).toBe(422)
    expect(await forged.json()).toMatchObject({ code: 'audit.checkpoint_invalid' })
    await nexora.close()
    await raw.close()
  })

  it('trusts a rotated key only when its public key is configured', async () => {
    const { db, witnessFile, nexora, raw } = await signedTrail(20)
    await nexora.close()
    const rotated = await generateCheckpointKey('ES384', 'audit-test-2')
    const later = await createNexora({
      plugins: [sqlStorage({ url: db }), ...auditSigning({ key: rotated.privateJwk, witnesses: [fileWitness(witnessFile)] })],
      config: { auditPublicKeys: [key.publicJwk] },
    })
    await later.audit.logDataAccess({ userId: 'u', action: 'chart.view' })
    await later.audit.checkpoint()
    expect(await later.audit.verify()).toMatchObject({ ok: true, events: 21, signed: { checked: 3, latest: { seq: 21, kid: 'audit-test-2' } } })
    await later.close()
    const forgetful = await createNexora({
      plugins: [sqlStorage({ url: db }), ...auditSigning({ key: rotated.privateJwk, witnesses: [fileWitness(witnessFile)] })],
    })
    expect(await forgetful.audit.verify()).toMatchObject({ ok: false, signed: { checked: 1, invalid: 2 } })
    await forgetful.close()
    await raw.close()
  })
})

describe('witnesses', () => {
  it('keeps signed checkpoints in another database (libSQL file) and verifies against it', async () => {
    const witnessDb = `file:${join(dir, 'witness.db')}`
    const db = `file:${join(dir, 'sql-witnessed.db')}`
    const nexora = await createNexora({ plugins: [sqlStorage({ url: db }), ...auditSigning({ key: key.privateJwk, witnesses: [sqlWitness(witnessDb)] })] })
    for (let i = 0; i < 5; i++) await nexora.audit.logDataAccess({ userId: 'u', action: 'chart.view' })
    const signed = (await nexora.audit.checkpoint()) as SignedCheckpoint
    await nexora.close()
    const copy = sqlWitness(witnessDb)
    // The same checkpoint published twice is kept once.
    await copy.publish(signed)
    expect(await copy.list()).toEqual([signed.jws])
    await copy.close!()
    const raw = await openLibsql(db, 'full')
    await raw.db.run('delete from audit_events where seq = 5')
    await raw.db.run('delete from audit_checkpoints')
    await raw.close()
    const verifier = await createNexora({
      plugins: [sqlStorage({ url: db }), ...auditWitnesses([sqlWitness(witnessDb)])],
      config: { auditPublicKeys: [key.publicJwk] },
    })
    expect(await verifier.audit.verify()).toMatchObject({ ok: false, breaks: [{ fromSeq: 5, toSeq: 5, reason: 'truncated' }] })
    await verifier.close()
  })

  it('posts to a witness URL with its token, and never follows a redirect with it', async () => {
    const held: string[] = []
    const seen: { method: string; auth?: string; path: string }[] = []
    const server = createServer((req, res) => {
      seen.push({ method: req.method!, auth: req.headers.authorization, path: req.url! })
      if (req.url === '/moved') return void res.writeHead(307, { location: 'http://127.0.0.1:1/stolen' }).end()
      let body = ''
      req.on('data', (c) => {
        body += c
      })
      req.on('end', () => {
        if (req.method === 'POST') held.push(body)
        res.writeHead(200, { 'content-type': 'application/jose' }).end(req.method === 'GET' ? held.join('\n') : '')
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const witness = urlWitness(`${base}/checkpoints`, { token: 'witness-secret' })
    const nexora = await createNexora({ plugins: [sqlStorage({ url: ':memory:' }), ...auditSigning({ key: key.privateJwk, witnesses: [witness] })] })
    await nexora.audit.logDataAccess({ userId: 'u', action: 'chart.view' })
    const signed = (await nexora.audit.checkpoint()) as { jws: string }
    expect(held).toEqual([signed.jws])
    expect(await nexora.audit.verify()).toMatchObject({ ok: true, signed: { checked: 1 } })
    expect(seen.every((s) => s.auth === 'Bearer witness-secret')).toBe(true)
    await nexora.close()
    const moved = urlWitness(`${base}/moved`, { token: 'witness-secret' })
    await expect(moved.list()).rejects.toThrow(/307/)
    server.close()
  })
})

describe('nexora audit (CLI)', () => {
  it('makes a key, signs checkpoints into a witness, and exits 1 with every break after tampering', { timeout: 120_000 }, async () => {
    const cli = cliRunner({ env: { NEXORA_DATA_DIR: join(dir, 'cli-data') } })
    const keyFile = join(dir, 'cli-key.json')
    const made = await cli('audit', 'keygen', '--out', keyFile, '--kid', 'cli-key')
    expect(made.code).toBe(0)
    expect(JSON.parse(made.stdout)).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: 'cli-key' })
    expect(JSON.parse(made.stdout).d).toBeUndefined()
    expect((await cli('audit', 'keygen', '--out', keyFile)).code).toBe(2)
    const db = `file:${join(dir, 'cli.db')}`
    const witness = `file:${join(dir, 'cli-witness.jws')}`
    const nexora = await createNexora({ plugins: [sqlStorage({ url: db })] })
    for (let i = 0; i < 12; i++) await nexora.audit.logDataAccess({ userId: 'u', action: 'chart.view' })
    await nexora.close()
    const signed = await cli('audit', 'checkpoint', '--db', db, '--signing-key', keyFile, '--witness', witness)
    expect(JSON.parse(signed.stdout).checkpoint).toMatchObject({ seq: 12, kid: 'cli-key', jws: expect.any(String) })
    writeFileSync(join(dir, 'cli-public.json'), made.stdout)
    const ok = await cli('audit', 'verify', '--db', db, '--witness', witness, '--public-key', join(dir, 'cli-public.json'))
    expect([ok.code, JSON.parse(ok.stdout)]).toEqual([0, expect.objectContaining({ ok: true, events: 12 })])
    const raw = await openLibsql(db, 'full')
    await raw.db.run(`update audit_events set actor = 'mallory' where seq = 2`)
    await raw.db.run('delete from audit_events where seq >= 10')
    await raw.db.run('delete from audit_checkpoints')
    await raw.close()
    const bad = await cli('audit', 'verify', '--db', db, '--witness', witness, '--public-key', join(dir, 'cli-public.json'))
    expect(bad.code).toBe(1)
    expect((JSON.parse(bad.stdout) as { breaks: AuditEvent[] }).breaks).toEqual([
      { fromSeq: 2, toSeq: 2, reason: 'hash_mismatch' },
      { fromSeq: 10, toSeq: 12, reason: 'truncated' },
    ])
  })
})
