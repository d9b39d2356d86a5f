import { createHmac } from 'node:crypto'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * The secret behind pseudonyms and date shifts (and, under another name, the monitoring log's
 * subject keys). Production names a file (`NEXORA_DEID_KEY_FILE`, `NEXORA_MONITORING_KEY_FILE`);
 * dev mode makes 32 random bytes in `./data/<name>` (mode 0600) on first run. Losing the key
 * means new surrogates; leaking it lets anyone re-derive them, so it never leaves the server.
 */
export async function loadDeidKey(
  production: boolean,
  dataDir: string,
  keyFile = process.env.NEXORA_DEID_KEY_FILE,
  name = 'deid-key',
): Promise<string | undefined> {
  if (keyFile) return (await readFile(keyFile, 'utf8')).trim()
  if (production) return undefined
  const file = join(dataDir, name)
  const existing = (await readFile(file, 'utf8').catch(() => '')).trim()
  if (existing) return existing
  await mkdir(dataDir, { recursive: true })
  const key = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex')
  await writeFile(file, key + '\n', { mode: 0o600 })
  await chmod(file, 0o600)
  return key
}

/** node:crypto's HMAC-SHA-256: the same digests as WebCrypto, synchronously. */
export const nodeHmac = (key: Uint8Array, data: Uint8Array) => new Uint8Array(createHmac('sha256', key).update(data).digest())
