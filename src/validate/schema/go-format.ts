/**
 * Go's `%v` of a float64 (strconv 'g' with shortest precision): exponent form once the decimal
 * exponent reaches 6 or drops below -4. go-openapi prints schema limits this way, so a uint32 bound
 * reads `4.294967295e+09` in the apiserver's messages and must in ours too.
 */
export function goFloat(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN';
  if (v === 0) return '0';
  const [mantissa, expText] = v.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    const digits = String(Math.abs(exp)).padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  return String(v);
}
