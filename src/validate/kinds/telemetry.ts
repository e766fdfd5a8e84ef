import { parse as parseCel } from '@marcbachmann/cel-js';
import {
  readBool,
  readDuration,
  readEnum,
  readMessage,
  readMessageList,
  readMessageMap,
  readNumber,
  readString,
  type JsonObject,
} from '../decode.js';
import { ValidationResult, type KindValidator } from '../result.js';
import { validatePolicyTargeting } from '../common/extra-d.js';

const TEL = 'istio.telemetry.v1alpha1';
const MODES = ['CLIENT_AND_SERVER', 'CLIENT', 'SERVER'] as const;
const METRICS = [
  'ALL_METRICS',
  'REQUEST_COUNT',
  'REQUEST_DURATION',
  'REQUEST_SIZE',
  'RESPONSE_SIZE',
  'TCP_OPENED_CONNECTIONS',
  'TCP_CLOSED_CONNECTIONS',
  'TCP_SENT_BYTES',
  'TCP_RECEIVED_BYTES',
  'GRPC_REQUEST_MESSAGES',
  'GRPC_RESPONSE_MESSAGES',
] as const;
const TAG_OPS = ['UPSERT', 'REMOVE'] as const;

function readMatchMode(o: JsonObject): void {
  const m = readMessage(o, 'match');
  if (m !== undefined) readEnum(m, 'mode', `${TEL}.WorkloadMode`, MODES);
}

/** validateTelemetryProviders: the first nameless provider is the only error reported. */
function providersError(o: JsonObject): string | undefined {
  for (const p of readMessageList(o, 'providers') ?? []) {
    if ((readString(p, 'name') ?? '') === '') return 'providers.name may not be empty';
  }
  return undefined;
}

function caretLine(line: string, col: number): string {
  return ` | ${line}\n | ${'.'.repeat(Math.max(0, col - 1))}^`;
}

/**
 * Istio only *parses* the access-log filter with cel-go (no type check). The syntax error text
 * follows cel-go's layout; the wording after "Syntax error:" comes from our CEL parser.
 */
export function celParseError(expression: string): string | undefined {
  try {
    parseCel(expression);
    return undefined;
  } catch (e) {
    const err = e as { summary?: unknown; message?: unknown; range?: { start?: unknown } };
    const summary =
      typeof err.summary === 'string' && err.summary !== ''
        ? err.summary
        : String(typeof err.message === 'string' ? err.message : e).split('\n')[0];
    const start = typeof err.range?.start === 'number' ? err.range.start : 0;
    const before = expression.slice(0, start);
    const lineNo = before.split('\n').length;
    const lineStart = before.lastIndexOf('\n') + 1;
    const col = start - lineStart + 1;
    const lineEnd = expression.indexOf('\n', lineStart);
    const lineText = expression.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
    return (
      `must be a valid CEL expression, ERROR: <input>:${lineNo}:${col}: Syntax error: ${summary}\n` +
      caretLine(lineText, col)
    );
  }
}

function metricsValidation(metrics: JsonObject[]): ValidationResult {
  const v = new ValidationResult();
  for (const m of metrics) {
    readDuration(m, 'reportingInterval');
    v.addError(providersError(m));
    for (const o of readMessageList(m, 'overrides') ?? []) {
      readBool(o, 'disabled');
      const tags = readMessageMap(o, 'tagOverrides') ?? {};
      for (const [name, to] of Object.entries(tags)) {
        if (name === '') v.addWarning('tagOverrides.name may not be empty');
        if (to === null) {
          v.addError('tagOverrides may not be null');
          continue;
        }
        const op = readEnum(to, 'operation', `${TEL}.MetricsOverrides.TagOverride.Operation`, TAG_OPS) ?? 'UPSERT';
        const value = readString(to, 'value') ?? '';
        if (op === 'UPSERT' && value === '') v.addError('tagOverrides.value must be set when operation is UPSERT');
        if (op === 'REMOVE' && value !== '') {
          v.addError('tagOverrides.value may only be set when operation is UPSERT');
        }
      }
      const match = readMessage(o, 'match');
      if (match !== undefined) {
        readEnum(match, 'metric', `${TEL}.MetricSelector.IstioMetric`, METRICS);
        readEnum(match, 'mode', `${TEL}.WorkloadMode`, MODES);
        const custom = readString(match, 'customMetric');
        // An explicit "" still selects the customMetric branch of the oneof.
        if (custom !== undefined && custom === '') v.addError('customMetric may not be empty');
      }
    }
  }
  return v;
}

function tracingValidation(tracing: JsonObject[]): ValidationResult {
  const v = new ValidationResult();
  if (tracing.length > 1) v.addWarning('multiple tracing is not currently supported');
  for (const t of tracing) {
    readMatchMode(t);
    for (const k of ['disableSpanReporting', 'useRequestIdForTraceSampling', 'enableIstioTags', 'disableContextPropagation']) {
      readBool(t, k);
    }
    if ((readMessageList(t, 'providers') ?? []).length > 1) v.addWarning('multiple providers is not currently supported');
    v.addError(providersError(t));
    const pct = readNumber(t, 'randomSamplingPercentage', 'float64') ?? 0;
    if (pct < 0 || pct > 100) v.addError('randomSamplingPercentage must be in range [0.0, 100.0]');
    const tags = readMessageMap(t, 'customTags') ?? {};
    for (const [name, tag] of Object.entries(tags)) {
      if (name === '') v.addError('tag name may not be empty');
      if (tag === null) {
        v.addError(`tag '${name}' may not have a nil value`);
        continue;
      }
      const literal = readMessage(tag, 'literal');
      const header = readMessage(tag, 'header');
      const env = readMessage(tag, 'environment');
      const formatter = readMessage(tag, 'formatter');
      if (formatter !== undefined) readString(formatter, 'value');
      if (literal !== undefined) {
        if ((readString(literal, 'value') ?? '') === '') v.addError('literal tag value may not be empty');
      } else if (header !== undefined) {
        readString(header, 'defaultValue');
        if ((readString(header, 'name') ?? '') === '') v.addError('header tag name may not be empty');
      } else if (env !== undefined) {
        readString(env, 'defaultValue');
        if ((readString(env, 'name') ?? '') === '') v.addError('environment tag name may not be empty');
      }
    }
  }
  return v;
}

function accessLoggingValidation(logging: JsonObject[]): ValidationResult {
  const v = new ValidationResult();
  for (const l of logging) {
    readMatchMode(l);
    readBool(l, 'disabled');
    const filter = readMessage(l, 'filter');
    if (filter !== undefined) v.addError(celParseError(readString(filter, 'expression') ?? ''));
    v.addError(providersError(l));
  }
  return v;
}

/** ValidateTelemetry. */
export const validateTelemetry: KindValidator = (spec) => {
  const res = new ValidationResult();
  res.merge(validatePolicyTargeting(spec));
  res.merge(metricsValidation(readMessageList(spec, 'metrics') ?? []));
  res.merge(tracingValidation(readMessageList(spec, 'tracing') ?? []));
  res.merge(accessLoggingValidation(readMessageList(spec, 'accessLogging') ?? []));
  return res;
};

