import { describe, expect, it } from 'vitest'
import { phiGuardStage, ADVERSE_EVENT_TEXTS } from '../../plugins/compliance/index.ts'
import type { ComplianceContext } from '../../core/index.ts'

const ctx = { route: 'adverse-events', requestId: 'r1' } as ComplianceContext
const reject = { 'adverse-events': { texts: ADVERSE_EVENT_TEXTS, action: 'reject' as const } }
// An unfamiliar surname with no title, role or cue: recall mode reports it (a de-identifier must not
// leak it), precision mode does not (a warning stage must not stop a clinician over every rare word).
const uncued = { type: 'fall', description: 'ambulating with Okonkwo in hallway, slipped' }

describe('phi-guard detector mode', () => {
  it('runs in precision mode by default: a surname without evidence passes, a titled name is refused', async () => {
    const stage = phiGuardStage({ routes: reject })
    await expect(stage.process(ctx, uncued)).resolves.toBe(uncued)
    await expect(stage.process(ctx, { type: 'fall', description: 'seen by Dr. Okonkwo after the fall' })).rejects.toMatchObject({ code: 'phi.detected' })
  })

  it('takes recall mode when the deployment asks for it', async () => {
    const stage = phiGuardStage({ routes: reject, phi: { mode: 'recall' } })
    await expect(stage.process(ctx, uncued)).rejects.toMatchObject({ code: 'phi.detected', detail: 'NAME×1' })
  })
})
