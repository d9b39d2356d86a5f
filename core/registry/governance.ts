import { NexoraError, safeName } from '../errors.ts'
import type { LifecycleState, StoredVersion } from '../ports/model-store.ts'
import { missingSourceAttributes } from './source-attributes.ts'

/**
 * What is missing from a version's model card for it to serve patients (empty: complete): a
 * description, and every ONC HTI-1 source attribute (`sourceAttributes.<group>.<attribute>`).
 */
export function missingCard(stored: StoredVersion): string[] {
  const missing = missingSourceAttributes(stored.manifest).map((key) => `sourceAttributes.${key}`)
  return stored.manifest.description?.trim() ? missing : ['description', ...missing]
}

/**
 * May `by` put this version in front of patients (a canary or production)? Only with a complete
 * model card and, when approvals are required, an approval by a principal other than `by`: the
 * person who asks is never the person who signs off.
 */
export function checkServable(stored: StoredVersion, state: LifecycleState, by: string, approvals: 'required' | 'off') {
  const ref = `${safeName(stored.name)}@${safeName(stored.version)}`
  const missing = missingCard(stored)
  if (missing.length > 0) {
    const more = missing.length > 10 ? ` and ${missing.length - 10} more` : ''
    throw new NexoraError('model.card_incomplete', { detail: `${ref} lacks: ${missing.slice(0, 10).map(safeName).join(', ')}${more}` })
  }
  if (approvals === 'off') return
  const mine = state.approvals.filter((a) => a.version === stored.version)
  if (mine.some((a) => a.by !== by)) return
  if (mine.length > 0) throw new NexoraError('model.self_approval', { detail: `${ref} is approved only by the principal asking to deploy it` })
  throw new NexoraError('model.approval_required', { detail: `${ref} needs an approval (scope nexora/models.approve) by another principal` })
}
