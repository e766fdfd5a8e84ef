/**
 * The first error golang/protobuf's legacy jsonpb Unmarshaler (which Istio's protomarshal.ApplyJSON uses, with
 * unknown fields allowed) reports when it decodes a JSON value into a message, in its words. jsonpb walks a
 * message's fields in declaration order, each list in element order and each map in its entries' order, and
 * stops at the first error; scalars go through encoding/json, numbers with their quotes stripped first.
 *
 * The input is the value parsed from the JSON Istio decodes; a string's raw text is taken to be encoding/json's
 * encoding of it (what the apiserver sends, and what Istio re-encodes the spec to).
 */
import { goJsonKind, goJsonString, goJsonSyntaxError } from '../go/json.js';
import { goQuote } from '../go/strconv.js';
import { parseGoDuration } from '../go/time.js';
import { WRAPPER_SCALARS, type DescriptorSet, type FieldDesc, type MessageDesc } from './descriptor.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const cannot = (kind: string, goType: string): string => `json: cannot unmarshal ${kind} into Go value of type ${goType}`;
const MAP_TYPE = 'map[string]json.RawMessage';
const LIST_TYPE = '[]json.RawMessage';

/** Go's integer types for the proto integer kinds, with their ranges. */
const INTEGERS: Readonly<Record<string, { go: string; lo: bigint; hi: bigint }>> = {
  int32: { go: 'int32', lo: -(2n ** 31n), hi: 2n ** 31n - 1n },
  sint32: { go: 'int32', lo: -(2n ** 31n), hi: 2n ** 31n - 1n },
  sfixed32: { go: 'int32', lo: -(2n ** 31n), hi: 2n ** 31n - 1n },
  int64: { go: 'int64', lo: -(2n ** 63n), hi: 2n ** 63n - 1n },
  sint64: { go: 'int64', lo: -(2n ** 63n), hi: 2n ** 63n - 1n },
  sfixed64: { go: 'int64', lo: -(2n ** 63n), hi: 2n ** 63n - 1n },
  uint32: { go: 'uint32', lo: 0n, hi: 2n ** 32n - 1n },
  fixed32: { go: 'uint32', lo: 0n, hi: 2n ** 32n - 1n },
  uint64: { go: 'uint64', lo: 0n, hi: 2n ** 64n - 1n },
  fixed64: { go: 'uint64', lo: 0n, hi: 2n ** 64n - 1n },
};

/** A JSON number's text as encoding/json writes a float64 (the spec's numbers went through one). */
function numberText(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n);
}

export function jsonpbDecodeError(set: DescriptorSet, messageName: string, value: unknown): string | undefined {
  return new Decoder(set).message(messageName, value)[0];
}

/**
 * Every error jsonpb may report for the value: Go ranges over a decoded map in random order, so when several
 * entries of one map are wrong, which one it meets first changes from run to run. The first is ours (document
 * order); empty when the value decodes.
 */
export function jsonpbDecodeErrors(set: DescriptorSet, messageName: string, value: unknown): string[] {
  return [...new Set(new Decoder(set).message(messageName, value))];
}

/** No error, or one, as a candidate list. */
const one = (err: string | undefined): string[] => (err === undefined ? [] : [err]);

class Decoder {
  constructor(private readonly set: DescriptorSet) {}

  /** The candidate errors (see jsonpbDecodeErrors) of decoding `v` as message `name`. */
  message(name: string, v: unknown): string[] {
    if (v === null && name !== 'google.protobuf.Value') return [];
    const wrapped = WRAPPER_SCALARS[name];
    if (wrapped !== undefined) return one(this.scalar(wrapped, v));
    switch (name) {
      case 'google.protobuf.Duration':
        return one(duration(v));
      case 'google.protobuf.Struct':
        return isObject(v) ? [] : [`bad StructValue: ${cannot(goJsonKind(v), MAP_TYPE)}`];
      case 'google.protobuf.ListValue':
        return Array.isArray(v) ? [] : [`bad ListValue: ${cannot(goJsonKind(v), LIST_TYPE)}`];
      case 'google.protobuf.Value':
        return [];
      case 'google.protobuf.Timestamp':
        return typeof v === 'string' ? [] : [cannot(goJsonKind(v), 'string')];
    }
    if (!isObject(v)) return [cannot(goJsonKind(v), MAP_TYPE)];
    const md = this.set.message(name);
    if (md === undefined) return [];
    return this.fields(md, v);
  }

  private fields(md: MessageDesc, v: Record<string, unknown>): string[] {
    for (const fd of md.fields) {
      // The JSON name wins when both spellings are present, as jsonpb reads the proto name first.
      let raw = Object.hasOwn(v, fd.name) ? v[fd.name] : undefined;
      if (fd.json !== fd.name && Object.hasOwn(v, fd.json)) raw = v[fd.json];
      if (raw === undefined) continue;
      if (raw === null && !(fd.type === 'google.protobuf.Value' && !fd.repeated && fd.mapKey === undefined)) continue;
      const errs = this.field(fd, raw);
      if (errs.length > 0) return errs;
    }
    return [];
  }

  private field(fd: FieldDesc, v: unknown): string[] {
    if (fd.mapKey !== undefined) {
      if (!isObject(v)) return [cannot(goJsonKind(v), MAP_TYPE)];
      // Any wrong entry may be the one Go's map order meets first: collect each one's errors.
      const found: string[] = [];
      for (const key of Object.keys(v)) {
        // A non-string key is decoded from its bare text, as the scalar it stands for, before the value.
        const keyErr = fd.mapKey === 'string' ? undefined : this.number(fd.mapKey, key);
        found.push(...(keyErr !== undefined ? [keyErr] : this.singular(fd.type, v[key])));
      }
      return found;
    }
    if (fd.repeated) {
      if (!Array.isArray(v)) return [cannot(goJsonKind(v), LIST_TYPE)];
      for (const e of v) {
        const errs = this.singular(fd.type, e);
        if (errs.length > 0) return errs;
      }
      return [];
    }
    return this.singular(fd.type, v);
  }

  private singular(type: string, v: unknown): string[] {
    const values = this.set.enumValues(type);
    if (values !== undefined) return one(enumError(type, values, v));
    if (type in INTEGERS || type === 'bool' || type === 'string' || type === 'bytes' || type === 'float' || type === 'double') {
      return one(this.scalar(type, v));
    }
    return this.message(type, v);
  }

  private scalar(type: string, v: unknown): string | undefined {
    switch (type) {
      case 'bool':
        return v === null || typeof v === 'boolean' ? undefined : cannot(goJsonKind(v), 'bool');
      case 'string':
        return v === null || typeof v === 'string' ? undefined : cannot(goJsonKind(v), 'string');
      case 'bytes':
        if (v === null) return undefined;
        return typeof v === 'string' ? base64Error(v) : cannot(goJsonKind(v), '[]uint8');
    }
    if ((type === 'float' || type === 'double') && (v === 'NaN' || v === 'Infinity' || v === '-Infinity')) return undefined;
    // jsonpb strips a string's quotes (not its escapes) and lets encoding/json read what is left.
    if (typeof v === 'string') return this.number(type, goJsonString(v).slice(1, -1));
    if (v === null) return undefined;
    if (typeof v !== 'number') return cannot(goJsonKind(v), goTypeOf(type));
    return numberRangeError(type, numberText(v));
  }

  /** encoding/json reading `text` into the Go type of a numeric kind (after jsonpb's trimQuote). */
  private number(type: string, text: string): string | undefined {
    if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1);
    const syntax = goJsonSyntaxError(text);
    if (syntax !== undefined) return syntax;
    const parsed: unknown = JSON.parse(text);
    if (parsed === null) return undefined;
    if (typeof parsed !== 'number') return cannot(goJsonKind(parsed), goTypeOf(type));
    return numberRangeError(type, text.trim());
  }
}

function goTypeOf(type: string): string {
  if (type === 'float') return 'float32';
  if (type === 'double') return 'float64';
  return INTEGERS[type]?.go ?? type;
}

/** strconv.ParseInt/ParseUint/ParseFloat on a JSON number's literal, as encoding/json stores it. */
function numberRangeError(type: string, literal: string): string | undefined {
  const int = INTEGERS[type];
  if (int !== undefined) {
    const ok = /^-?\d+$/.test(literal) && !(int.lo === 0n && literal.startsWith('-'));
    if (ok) {
      const n = BigInt(literal);
      if (n >= int.lo && n <= int.hi) return undefined;
    }
    return cannot(`number ${literal}`, int.go);
  }
  const n = Number(literal);
  const inRange = type === 'float' ? Number.isFinite(Math.fround(n)) : Number.isFinite(n);
  return inRange ? undefined : cannot(`number ${literal}`, goTypeOf(type));
}

function enumError(name: string, values: readonly string[], v: unknown): string | undefined {
  if (typeof v === 'string') {
    const raw = goJsonString(v);
    return values.includes(raw.slice(1, -1)) ? undefined : `unknown value ${goQuote(raw)} for enum ${name}`;
  }
  if (v === null) return undefined;
  if (typeof v !== 'number') return cannot(goJsonKind(v), 'protoreflect.EnumNumber');
  return numberRangeError('int32', numberText(v)) === undefined ? undefined : cannot(`number ${numberText(v)}`, 'protoreflect.EnumNumber');
}

function duration(v: unknown): string | undefined {
  if (typeof v !== 'string') return cannot(goJsonKind(v), 'string');
  try {
    parseGoDuration(v);
    return undefined;
  } catch (e) {
    return `bad Duration: ${e instanceof Error ? e.message : String(e)}`;
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** base64.StdEncoding.Decode's error for a JSON string decoded into []byte, as encoding/json reports it. */
function base64Error(s: string): string | undefined {
  const src = Buffer.from(s, 'utf8');
  const corrupt = (at: number): string => `illegal base64 data at input byte ${at}`;
  const isNewline = (c: number | undefined): boolean => c === 0x0a || c === 0x0d;
  let si = 0;
  while (si < src.length) {
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return undefined;
        return corrupt(si - j);
      }
      const c = src[si++]!;
      if (B64.includes(String.fromCharCode(c))) continue;
      if (isNewline(c)) {
        j--;
        continue;
      }
      if (c !== 0x3d || j < 2) return corrupt(si - 1);
      if (j === 2) {
        while (si < src.length && isNewline(src[si])) si++;
        if (si === src.length) return corrupt(src.length);
        if (src[si] !== 0x3d) return corrupt(si - 1);
        si++;
      }
      while (si < src.length && isNewline(src[si])) si++;
      return si < src.length ? corrupt(si) : undefined;
    }
  }
  return undefined;
}
