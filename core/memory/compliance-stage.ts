import type { ComplianceContext, ComplianceStage } from '../ports/compliance.ts'

/**
 * A ComplianceStage for tests: passes the payload through (or through `transform`) and
 * records every call, so a test can check which stages ran, in what order, for which route.
 */
export function recordingStage(
  name: string,
  order: 'pre' | 'post',
  transform?: (payload: unknown) => unknown,
): ComplianceStage & { calls: { route: string; requestId: string }[] } {
  const calls: { route: string; requestId: string }[] = []
  return {
    name,
    order,
    calls,
    async process<T>(ctx: ComplianceContext, payload: T): Promise<T> {
      calls.push({ route: ctx.route, requestId: ctx.requestId })
      return (transform ? transform(payload) : payload) as T
    },
  }
}
