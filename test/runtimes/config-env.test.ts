/**
 * Every server runtime reads the one configuration in the same names: each real binary (node,
 * deno, bun) runs its example entry script with NEXORA_JWKS_FILE (once only `nexora serve`'s name),
 * NEXORA_MAX_ROWS and NEXORA_RATE_LIMITS, and each honours all three.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadOrCreateDevIdentity } from '../../plugins/auth-jwt/node.ts'
import { bun, deno, node } from '../../testkit/runtimes.ts'
import { DEMO_FEATURES } from '../conformance/runtime-server.suite.ts'

const predict = (url: string, token: string, rows: number) =>
  fetch(`${url}/predict`, {
    method: 'POST',
    body: JSON.stringify({ model: 'readmission-risk', rows: Array.from({ length: rows }, () => ({ features: DEMO_FEATURES })) }),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  })

for (const runtime of [node, deno, bun]) {
  describe(`${runtime.name} reads the NEXORA_* configuration`, () => {
    it('takes its key set from NEXORA_JWKS_FILE, its row limit from NEXORA_MAX_ROWS and its predict bucket from NEXORA_RATE_LIMITS', {
      timeout: 120_000,
    }, async () => {
      const dir = mkdtempSync(join(tmpdir(), `nexora-config-${runtime.name}-`))
      try {
        // A key set on disk: the dev identity's public key, so its token is a token from "the identity provider".
        const { jwks, token } = await loadOrCreateDevIdentity(join(dir, 'idp'))
        writeFileSync(join(dir, 'jwks.json'), JSON.stringify(jwks))
        const server = await runtime.start(
          {
            NEXORA_DATA_DIR: dir,
            NEXORA_LOG_LEVEL: 'warn',
            NEXORA_JWKS_FILE: join(dir, 'jwks.json'),
            NEXORA_JWT_ISSUERS: 'urn:nexora:dev',
            NEXORA_JWT_AUDIENCE: 'nexora',
            NEXORA_MAX_ROWS: '2',
            NEXORA_RATE_LIMITS: '{"predict":{"capacity":3,"refillPerSecond":0.01}}',
          },
          dir,
        )
        try {
          expect(server.stderr()).toContain('authentication: bearer JWTs checked against the configured key set (NEXORA_JWKS_FILE)')
          expect((await predict(server.url, 'garbage', 1)).status).toBe(401)
          expect((await predict(server.url, token, 2)).status).toBe(200)
          const tooMany = await predict(server.url, token, 3)
          expect([tooMany.status, ((await tooMany.json()) as { code: string }).code]).toEqual([400, 'batch.too_large'])
          expect((await predict(server.url, token, 1)).status).toBe(200)
          expect((await predict(server.url, token, 1)).status).toBe(429)
        } finally {
          await server.close()
        }
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })
  })
}
