/**
 * Dev mode on every server runtime behaves like `nexora serve`: without the JWT settings the
 * server checks bearer tokens against a local dev key (so `Bearer garbage` is a 401, never a 200),
 * says so on its start-up output, and with NODE_ENV=production it refuses to start and says why.
 * Each runtime's real binary runs its example entry script.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bun, deno, node } from '../../testkit/runtimes.ts'
import { DEMO_FEATURES } from '../conformance/runtime-server.suite.ts'

const predict = (url: string, authorization?: string) =>
  fetch(`${url}/predict`, {
    method: 'POST',
    body: JSON.stringify({ model: 'readmission-risk', rows: [{ features: DEMO_FEATURES }] }),
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
  })

for (const runtime of [node, deno, bun]) {
  describe(`${runtime.name} dev mode`, () => {
    it('without JWT settings verifies tokens against a local dev key: Bearer garbage and no token get 401, the dev token 200, and stderr says so', {
      timeout: 120_000,
    }, async () => {
      const dir = mkdtempSync(join(tmpdir(), `nexora-devmode-${runtime.name}-`))
      try {
        const server = await runtime.start({ NEXORA_DATA_DIR: dir, NEXORA_LOG_LEVEL: 'warn' }, dir)
        try {
          for (const authorization of ['Bearer garbage', undefined, 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.']) {
            const res = await predict(server.url, authorization)
            expect(res.status, String(authorization)).toBe(401)
            expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
            expect(await res.json()).toMatchObject({ code: 'auth.unauthenticated' })
          }
          const token = readFileSync(join(dir, 'dev-token'), 'utf8').trim()
          expect((await predict(server.url, `Bearer ${token}`)).status).toBe(200)
          expect(server.stderr()).toContain(
            `dev mode: no NEXORA_JWKS, NEXORA_JWKS_FILE or NEXORA_JWKS_URL, NEXORA_JWT_ISSUERS and NEXORA_JWT_AUDIENCE set, so bearer JWTs are checked ` +
              `against a local dev key; the dev token (30 days) is in ${join(dir, 'dev-token')}`,
          )
          // The one stdout line stays the URL (the token itself is never printed).
          expect(server.stdout()).toBe(`listening on ${server.url}\n`)
          expect(server.stderr()).not.toContain(token)
        } finally {
          await server.close()
        }
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })

    it('with NODE_ENV=production and no JWT settings refuses to start, naming what it needs', { timeout: 120_000 }, async () => {
      const dir = mkdtempSync(join(tmpdir(), `nexora-prod-${runtime.name}-`))
      try {
        const error = await runtime.start({ NODE_ENV: 'production', NEXORA_DATA_DIR: dir }, dir).then(
          async (s) => {
            await s.close()
            return undefined
          },
          (e: unknown) => e,
        )
        expect(String(error)).toMatch(/exited with .* before it was ready/)
        expect(String(error)).toContain(
          'production needs NEXORA_JWKS, NEXORA_JWKS_FILE or NEXORA_JWKS_URL, NEXORA_JWT_ISSUERS and NEXORA_JWT_AUDIENCE; refusing to start without ' +
            'authentication',
        )
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })
  })
}
