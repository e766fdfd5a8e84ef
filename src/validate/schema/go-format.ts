/**
 * Go's `%v` of a float64. go-openapi prints schema limits this way, so a uint32 bound reads
 * `4.294967295e+09` in the apiserver's messages and must in ours too. The template engine already
 * reproduces fmt exactly (checked against recorded Go output), so the validator shares it.
 */
export { formatFloatV as goFloat } from '../../gotemplate/fmt.js';
