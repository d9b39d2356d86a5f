/**
 * A small seeded synthetic cohort for a scaffolded plugin's first test: age, sex, smoker and a
 * 0/1 outcome drawn from a logistic truth, so a model has something real to learn. No patient data.
 */
export function syntheticCsv(rows: number, seed: number): string {
  let state = seed >>> 0
  // mulberry32: small, seeded, the same on every runtime.
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const lines = ['age,sex,smoker,outcome']
  for (let i = 0; i < rows; i++) {
    const age = 30 + Math.floor(random() * 60)
    const sex = random() < 0.5 ? 'F' : 'M'
    const smoker = random() < 0.3
    const logit = -4 + 0.05 * age + (smoker ? 1.2 : 0) + (sex === 'M' ? 0.3 : 0)
    const outcome = random() < 1 / (1 + Math.exp(-logit)) ? 1 : 0
    lines.push(`${age},${sex},${smoker},${outcome}`)
  }
  return `${lines.join('\n')}\n`
}
