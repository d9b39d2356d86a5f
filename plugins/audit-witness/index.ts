/**
 * Signed audit checkpoints and their witnesses: a signer with a key kept outside the audit
 * database (a JWK file, or any KMS behind the CheckpointSigner port) and witnesses that keep each
 * signed checkpoint in a second place (a file, a URL, another database). `nexora audit verify`
 * and `POST /audit/verify` then hold the chain against them: truncation, deleted checkpoints and
 * re-chained rewrites no longer pass.
 */
import { definePlugin, keyCheckpointSigner, type CheckpointSigner, type CheckpointWitness, type Plugin } from '../../core/index.ts'
import type { JWK } from 'jose'
import { fileWitness } from './file-witness.ts'
import { sqlWitness } from './sql-witness.ts'
import { urlWitness, type UrlWitnessOptions } from './url-witness.ts'

export { fileWitness, sqlWitness, urlWitness, type UrlWitnessOptions }

export interface AuditSigningOptions {
  /** A private Ed25519 or P-384 JWK with a `kid`, or a signer of your own (a KMS). */
  key: JWK | CheckpointSigner
  /** Where signed checkpoints go besides the database. At least one, or nothing outlives a rewrite of it. */
  witnesses: CheckpointWitness[]
}

/**
 * @example
 * createNexora({ plugins: [sqlStorage(), linearModel(), ...auditSigning({ key: privateJwk, witnesses: [fileWitness('/mnt/witness/checkpoints.jws')] })],
 *   config: { checkpointIntervalMs: 5 * 60_000 } })
 */
export function auditSigning(options: AuditSigningOptions): Plugin[] {
  return [auditSigner(options.key), ...auditWitnesses(options.witnesses)]
}

/** The signer alone: a private JWK through WebCrypto, or a CheckpointSigner of your own (a KMS). */
export function auditSigner(key: JWK | CheckpointSigner): Plugin {
  const own = (k: JWK | CheckpointSigner): k is CheckpointSigner => typeof (k as CheckpointSigner).sign === 'function'
  return definePlugin({ name: 'audit-signer', provides: 'checkpointSigner', setup: () => (own(key) ? key : keyCheckpointSigner(key)) })
}

/** Witnesses alone: what a verifier installs to read the checkpoints they hold (no key needed). */
export function auditWitnesses(witnesses: CheckpointWitness[]): Plugin[] {
  return witnesses.map((witness, i) => definePlugin({ name: `audit-witness-${i}`, provides: 'checkpointWitness', setup: () => witness }))
}

/**
 * A witness from one configuration string (`NEXORA_AUDIT_WITNESSES` is a comma-separated list):
 * `file:<path>`, `https://…` (or `http://` on loopback), `postgres://…`, or `libsql:<url>`.
 */
export function witnessFromSpec(spec: string, options: UrlWitnessOptions = {}): CheckpointWitness {
  if (spec.startsWith('file:')) return fileWitness(spec.slice('file:'.length))
  if (/^https?:\/\//.test(spec)) return urlWitness(spec, options)
  if (/^postgres(ql)?:\/\//.test(spec)) return sqlWitness(spec)
  if (spec.startsWith('libsql:')) return sqlWitness(spec.slice('libsql:'.length))
  throw new TypeError('an audit witness is file:<path>, https://…, postgres://… or libsql:<url>')
}
