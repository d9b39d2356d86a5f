import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { JWK } from 'jose'
import { generateCheckpointKey, type Plugin } from '../core/index.ts'
import { auditSigning, auditWitnesses, witnessFromSpec } from '../plugins/audit-witness/index.ts'
import { UsageError } from './args.ts'

export interface AuditSigningSettings {
  /** A private JWK file (Ed25519 or P-384, with a kid). */
  keyFile?: string
  /** Comma-separated witness specs: file:<path>, https://…, postgres://…, libsql:<url>. */
  witnesses?: string
  /** A JWK or JWK Set file of public keys to trust beside the signer's own (older, rotated keys). */
  publicKeysFile?: string
  /** Bearer token for URL witnesses. */
  witnessToken?: string
}

const readJson = async (file: string, what: string): Promise<unknown> => {
  try {
    return JSON.parse(await readFile(file, 'utf8'))
  } catch {
    throw new UsageError(`cannot read ${what} from ${file} (a JSON file)`)
  }
}

/** Public keys from a JWK or a JWK Set file. */
export async function readPublicKeys(file: string | undefined): Promise<JWK[]> {
  if (!file) return []
  const json = (await readJson(file, 'public keys')) as JWK | { keys: JWK[] }
  return 'keys' in json ? json.keys : [json]
}

export const witnessesFrom = (specs: string | undefined, token?: string) =>
  (specs ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((spec) => {
      try {
        return witnessFromSpec(spec, { token })
      } catch (error) {
        throw new UsageError((error as Error).message)
      }
    })

/**
 * Dev mode's checkpoint key: made on first run beside the database (mode 0600) and never inside
 * it. Production names its own, ideally on another volume or behind a KMS.
 */
async function devSigningKey(dataDir: string): Promise<string> {
  await mkdir(dataDir, { recursive: true })
  const file = join(dataDir, 'audit-signing-key.json')
  if (
    await readFile(file).then(
      () => false,
      () => true,
    )
  ) {
    const { privateJwk } = await generateCheckpointKey('EdDSA', `audit-dev-${crypto.randomUUID().slice(0, 8)}`)
    await writeFile(file, JSON.stringify(privateJwk), { mode: 0o600 })
    await chmod(file, 0o600)
  }
  return file
}

/**
 * The signer and witnesses `nexora serve` and the CLI install, from settings (env or flags). Dev
 * mode signs with a key of its own and witnesses into `./data/audit-checkpoints.jws`.
 */
export async function auditSigningPlugins(
  settings: AuditSigningSettings,
  dev?: { dataDir: string },
): Promise<{ plugins: Plugin[]; publicKeys: JWK[]; description?: string }> {
  const publicKeys = await readPublicKeys(settings.publicKeysFile)
  const keyFile = settings.keyFile ?? (dev ? await devSigningKey(dev.dataDir) : undefined)
  const specs = settings.witnesses ?? (dev ? `file:${join(dev.dataDir, 'audit-checkpoints.jws')}` : undefined)
  const witnesses = witnessesFrom(specs, settings.witnessToken)
  if (!keyFile) return { plugins: auditWitnesses(witnesses), publicKeys }
  if (witnesses.length === 0)
    throw new UsageError(
      'a checkpoint signing key needs at least one witness (NEXORA_AUDIT_WITNESSES or --witness): a signed checkpoint kept only in the database it ' +
        'vouches for proves nothing',
    )
  const key = (await readJson(keyFile, 'the checkpoint signing key')) as JWK
  return {
    plugins: auditSigning({ key, witnesses }),
    publicKeys,
    description: `audit checkpoints signed (${key.kid ?? 'no kid'}), witnessed by ${witnesses.map((w) => w.name).join(', ')}`,
  }
}
