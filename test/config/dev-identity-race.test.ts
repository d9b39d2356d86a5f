import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadOrCreateDevIdentity } from '../../plugins/auth-jwt/node.ts'

describe('the dev identity in a data directory replicas share', () => {
  it('is one key pair even when several servers start at once on an empty directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexora-devrace-'))
    try {
      const identities = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateDevIdentity(dir)))
      const kids = new Set(identities.map((i) => i.jwks.keys[0]!.kid))
      expect(kids.size).toBe(1)
      expect(readdirSync(dir).sort()).toEqual(['dev-keys.json', 'dev-token'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
