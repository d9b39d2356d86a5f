/** Dense symmetric positive-definite algebra for the small (p × p) Cox information matrix. */

/** Lower Cholesky factor of a symmetric positive-definite matrix, or undefined if it is not. */
export function cholesky(a: number[][]): number[][] | undefined {
  const n = a.length
  const l = a.map(() => new Array<number>(n).fill(0))
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i]![j]!
      for (let k = 0; k < j; k++) sum -= l[i]![k]! * l[j]![k]!
      if (i === j) {
        if (!(sum > 0)) return undefined
        l[i]![i] = Math.sqrt(sum)
      } else l[i]![j] = sum / l[j]![j]!
    }
  }
  return l
}

/** Solve L Lᵀ x = b. */
export function choleskySolve(l: number[][], b: number[]): number[] {
  const n = b.length
  const y = new Array<number>(n).fill(0)
  for (let i = 0; i < n; i++) {
    let sum = b[i]!
    for (let k = 0; k < i; k++) sum -= l[i]![k]! * y[k]!
    y[i] = sum / l[i]![i]!
  }
  const x = new Array<number>(n).fill(0)
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!
    for (let k = i + 1; k < n; k++) sum -= l[k]![i]! * x[k]!
    x[i] = sum / l[i]![i]!
  }
  return x
}

/** The inverse of a symmetric positive-definite matrix, column by column from its Cholesky factor. */
export function choleskyInverse(l: number[][]): number[][] {
  const n = l.length
  const columns = l.map((_, j) =>
    choleskySolve(
      l,
      l.map((__, i) => (i === j ? 1 : 0)),
    ),
  )
  return Array.from({ length: n }, (_, i) => columns.map((col) => col[i]!))
}
