/** Small formatters shared by the patient risk view's components. */
export const percent = (p: number) => `${(p * 100).toFixed(1)}%`
export const signed = (n: number) => `${n >= 0 ? '+' : '−'}${Math.abs(n).toFixed(3)}`
export const dateTime = (iso: string) => {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}
export const featureValue = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'number' ? String(Math.round(v * 100) / 100) : String(v))
/** `admissions_12m` → `admissions 12m`. */
export const featureLabel = (name: string) => name.replace(/_/g, ' ')
