/**
 * Prefetch tokens: the `{{…}}` placeholders of a prefetch template. CDS Hooks 2.0 allows a
 * hook context field (`context.patientId`) or a user identifier (`userPractitionerId`, …);
 * 3.0 adds `today()` with day arithmetic, which templates use only when a model opts in.
 */
const USER_TOKENS: Record<string, string> = {
  userPractitionerId: 'Practitioner',
  userPractitionerRoleId: 'PractitionerRole',
  userPatientId: 'Patient',
  userRelatedPersonId: 'RelatedPerson',
}
const CONTEXT = /^context\.([A-Za-z][A-Za-z0-9]*)$/
const TODAY = /^today\(\)(?:\s*([+-])\s*(\d{1,5})\s+days?)?$/
const TOKEN = /\{\{([^{}]*)\}\}/g
const DAY = 86_400_000

/** The tokens of a template, trimmed. */
export function tokensOf(template: string): string[] {
  return [...template.matchAll(TOKEN)].map((m) => m[1]!.trim())
}

/** Is this token one a CDS Client may be asked to fill (`today()` only with `windowTokens`)? */
export function isAllowedToken(token: string, options: { windowTokens?: boolean } = {}): boolean {
  return CONTEXT.test(token) || token in USER_TOKENS || (options.windowTokens === true && TODAY.test(token))
}

function tokenValue(token: string, context: Record<string, unknown>, now: number): string | undefined {
  const field = CONTEXT.exec(token)?.[1]
  if (field !== undefined) return typeof context[field] === 'string' ? context[field] : undefined
  const type = USER_TOKENS[token]
  if (type !== undefined) {
    const user = typeof context.userId === 'string' ? context.userId : ''
    return user.startsWith(`${type}/`) ? user.slice(type.length + 1) : undefined
  }
  const today = TODAY.exec(token)
  if (!today) return undefined
  const days = today[1] ? Number(today[2]) * (today[1] === '-' ? -1 : 1) : 0
  return new Date(now + days * DAY).toISOString().slice(0, 10)
}

/**
 * The relative FHIR URL a template stands for in this hook context, as the CDS Client would
 * build it; undefined when a token has no value here (then the data cannot be fetched either).
 * @example instantiate('Patient/{{context.patientId}}', { patientId: '123' }, Date.now()) // 'Patient/123'
 */
export function instantiate(template: string, context: Record<string, unknown>, now: number): string | undefined {
  let missing = false
  const url = template.replace(TOKEN, (_, token: string) => {
    const value = tokenValue(token.trim(), context, now)
    if (value === undefined || value === '') {
      missing = true
      return ''
    }
    // A reference such as `Practitioner/1` keeps its slash; everything else is one URL component.
    return encodeURIComponent(value).replace(/%2F/g, '/')
  })
  return missing ? undefined : url
}
