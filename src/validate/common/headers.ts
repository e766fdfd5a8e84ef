/** HTTP header name/value rules of VirtualService and friends (validation.go, header_value_validator.go). */

const TCHAR_NAME = /^[!#$%&'*+\-.^_`|~A-Za-z0-9]+$/;
const PSEUDO_HEADERS = new Set([':method', ':scheme', ':authority', ':path', ':status']);
const JWT_CLAIM_PREFIX = '@request.auth.claims';

/** jwt.ToRoutingClaim(name).Match */
export function isJwtRoutingClaim(name: string): boolean {
  if (!name.toLowerCase().startsWith(JWT_CLAIM_PREFIX)) return false;
  const rest = name.slice(JWT_CLAIM_PREFIX.length);
  if (rest.startsWith('.') && rest.length > 1) return true;
  return rest.startsWith('[') && rest.endsWith(']') && rest.length > 2;
}

export function validateHTTPHeaderNameOrJwtClaimRoute(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (isJwtRoutingClaim(name) || PSEUDO_HEADERS.has(name)) return undefined;
  if (!TCHAR_NAME.test(name)) return `header name ${name} is not a valid header name`;
  return undefined;
}

export function validateCORSHTTPHeaderName(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (name === '*') return undefined;
  if (!TCHAR_NAME.test(name)) return `header name ${name} is not a valid header name`;
  return undefined;
}

function isInternalHeader(k: string): boolean {
  return k.startsWith(':') || k.toLowerCase() === 'host';
}

export function isAuthorityHeader(k: string): boolean {
  const l = k.toLowerCase();
  return l === ':authority' || l === 'host';
}

/** Request add/set: `:authority` and `host` are allowed (checked separately for double setting). */
export function validateHTTPHeaderWithAuthorityOperationName(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (isInternalHeader(name) && !isAuthorityHeader(name)) return `invalid header ${JSON.stringify(name)}: header cannot have ":" prefix`;
  return undefined;
}

/** Request remove and every response operation. */
export function validateHTTPHeaderOperationName(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (name.toLowerCase() === 'host') return `invalid header ${JSON.stringify(name)}: cannot set Host header`;
  if (isInternalHeader(name)) return `invalid header ${JSON.stringify(name)}: header cannot have ":" prefix`;
  return undefined;
}

// Control characters other than horizontal tab are not allowed in header values.
const HEADER_VALUE_OK = /^[^\u0000-\u0008\u000A-\u001F\u007F]*$/;

type ParserState = 'literal' | 'varName' | 'expectArray' | 'arrayDelimOrEnd' | 'expectString' | 'string' | 'argsEnd' | 'varEnd';

/** Envoy's custom header format grammar (%VAR%, %VAR(args)%, %%), as Istio checks it. */
function headerValueFormatError(value: string): string | undefined {
  let state: ParserState = 'literal';
  for (let pos = 0; pos < value.length; pos++) {
    const ch = value[pos];
    const hasNext = pos + 1 < value.length;
    switch (state) {
      case 'literal':
        if (ch !== '%') break;
        if (!hasNext) return 'invalid header configuration. Un-escaped %';
        if (value[pos + 1] === '%') {
          pos++;
          break;
        }
        state = 'varName';
        break;
      case 'varName':
        if (ch === '%') state = 'literal';
        else if (ch === '(') state = 'expectArray';
        break;
      case 'expectArray':
        if (ch === '[') state = 'expectString';
        else if (ch !== ' ') state = 'string';
        break;
      case 'arrayDelimOrEnd':
        if (ch === ',') state = 'expectString';
        else if (ch === ']') state = 'argsEnd';
        else if (ch !== ' ') return "invalid header configuration. Expecting ',', ']', or whitespace";
        break;
      case 'expectString':
        if (ch === '"') state = 'string';
        else if (ch !== ' ') return 'invalid header configuration. Expecting \'"\'';
        break;
      case 'string':
        if (ch === '\\') {
          if (!hasNext) return 'invalid header configuration. Un-terminated backslash in JSON string';
          pos++;
        } else if (ch === ')') state = 'varEnd';
        else if (ch === '"') state = 'arrayDelimOrEnd';
        break;
      case 'argsEnd':
        if (ch === ')') state = 'varEnd';
        else if (ch !== ' ') return "invalid header configuration. Expecting ')' or whitespace after '{}', but found '{}'";
        break;
      case 'varEnd':
        if (ch === '%') state = 'literal';
        else if (ch !== ' ') return "invalid header configuration. Expecting '%' or whitespace after";
        break;
    }
  }
  if (state !== 'literal') return `invalid header configuration. Un-terminated variable expression '${value}'`;
  return undefined;
}

export function validateHTTPHeaderValue(value: string): string | undefined {
  if (!HEADER_VALUE_OK.test(value)) return `header value configuration ${value} is invalid`;
  const err = headerValueFormatError(value);
  if (err !== undefined) return `header value configuration: ${err}`;
  return undefined;
}
