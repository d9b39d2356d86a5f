/**
 * L2-regularised logistic regression by Newton–Raphson, minimising
 *   sum_i log(1 + exp(-s_i (b + w·z_i))) + ||w||² / (2C)
 * (the intercept b is not penalised), the objective of scikit-learn's LogisticRegression.
 * Each step solves the (p+1)×(p+1) Newton system by Cholesky, with a backtracking line search,
 * so it converges to machine precision in a handful of iterations.
 */

export interface NewtonResult {
  coef: number[]
  intercept: number
  iterations: number
  gradientNorm: number
  loss: number
}

export interface NewtonOptions {
  C?: number
  maxIterations?: number
  tolerance?: number
  onIteration?: (iteration: number, loss: number) => void
}

const sigmoid = (t: number) => (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t)))
/** log(1 + exp(t)) without overflow. */
const softplus = (t: number) => (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t)))

function objective(z: Float64Array[], y: number[], w: Float64Array, C: number): number {
  const p = w.length - 1
  let loss = 0
  for (let i = 0; i < z.length; i++) {
    let t = w[p]!
    for (let j = 0; j < p; j++) t += w[j]! * z[i]![j]!
    loss += softplus(t) - y[i]! * t
  }
  for (let j = 0; j < p; j++) loss += (w[j]! * w[j]!) / (2 * C)
  return loss
}

/** Solve A x = b for symmetric positive-definite A (row-major, n×n) by Cholesky. */
export function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j]!
      for (let k = 0; k < j; k++) sum -= l[i * n + k]! * l[j * n + k]!
      if (i === j) {
        if (sum <= 0) throw new RangeError('matrix is not positive definite')
        l[i * n + i] = Math.sqrt(sum)
      } else l[i * n + j] = sum / l[j * n + j]!
    }
  }
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let sum = b[i]!
    for (let k = 0; k < i; k++) sum -= l[i * n + k]! * y[k]!
    y[i] = sum / l[i * n + i]!
  }
  const x = new Float64Array(n)
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!
    for (let k = i + 1; k < n; k++) sum -= l[k * n + i]! * x[k]!
    x[i] = sum / l[i * n + i]!
  }
  return x
}

export function fitLogistic(z: Float64Array[], y: number[], options: NewtonOptions = {}): NewtonResult {
  const C = options.C ?? 1
  const maxIterations = options.maxIterations ?? 100
  const tolerance = options.tolerance ?? 1e-10
  const p = z[0]?.length ?? 0
  const n = p + 1
  const w = new Float64Array(n)
  let loss = objective(z, y, w, C)
  let gradientNorm = Infinity
  let iteration = 0
  for (; iteration < maxIterations; iteration++) {
    const grad = new Float64Array(n)
    const hess = new Float64Array(n * n)
    for (let i = 0; i < z.length; i++) {
      const row = z[i]!
      let t = w[p]!
      for (let j = 0; j < p; j++) t += w[j]! * row[j]!
      const mu = sigmoid(t)
      const r = mu - y[i]!
      const v = mu * (1 - mu)
      for (let j = 0; j < p; j++) {
        grad[j]! += r * row[j]!
        const vj = v * row[j]!
        for (let k = 0; k <= j; k++) hess[j * n + k]! += vj * row[k]!
        hess[p * n + j]! += vj
      }
      grad[p]! += r
      hess[p * n + p]! += v
    }
    for (let j = 0; j < p; j++) {
      grad[j]! += w[j]! / C
      hess[j * n + j]! += 1 / C
    }
    for (let j = 0; j < n; j++) for (let k = j + 1; k < n; k++) hess[j * n + k] = hess[k * n + j]!
    gradientNorm = Math.max(...grad.map(Math.abs))
    if (gradientNorm < tolerance) break
    const step = choleskySolve(hess, grad, n)
    let scale = 1
    let next = w.map((wj, j) => wj - step[j]!)
    let nextLoss = objective(z, y, next, C)
    // Backtrack on the rare step that overshoots; near the optimum the full step is taken.
    while (nextLoss > loss && scale > 1e-8) {
      scale /= 2
      next = w.map((wj, j) => wj - scale * step[j]!)
      nextLoss = objective(z, y, next, C)
    }
    w.set(next)
    loss = nextLoss
    options.onIteration?.(iteration + 1, loss)
  }
  return { coef: Array.from(w.subarray(0, p)), intercept: w[p]!, iterations: iteration, gradientNorm, loss }
}

export { sigmoid }
