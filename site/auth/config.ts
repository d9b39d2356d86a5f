/** `/ui/config`: how this server signs the app in, and whether it may be launched from an EHR (SMART). */
export interface SmartConfig {
  clientId: string
  scope: string
  issuers: string[]
}
export type UiConfig = { signIn: 'dev'; smart?: SmartConfig } | { signIn: 'oidc'; issuer: string; clientId: string; scope: string; smart?: SmartConfig }

export async function fetchUiConfig(): Promise<UiConfig> {
  return (await (await fetch('/ui/config')).json()) as UiConfig
}

/** Same URL up to a trailing slash. */
export const sameBase = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '')
