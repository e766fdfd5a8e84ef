import { formatMultiError } from '../go/multierror.js';

/**
 * Istio builds its validation errors with hashicorp/go-multierror. The exact wire text depends on
 * whether an error is a plain error or a multierror (even a multierror of one element prints
 * "1 error occurred"), so we model that distinction instead of keeping a flat string list.
 */
export interface ErrTree {
  /** false: a plain Go error (exactly one message). true: a *multierror.Error. */
  readonly multi: boolean;
  readonly msgs: readonly string[];
}

export function plainErr(msg: string): ErrTree {
  return { multi: false, msgs: [msg] };
}

/**
 * A multierror built by appending. Like a Go slice it shares one backing array with the value it
 * was appended to: appending to the newest value pushes in place, appending to an older one (whose
 * length no longer matches the array) copies first. So a chain of appends is linear, and every
 * value still reads as the messages it was built from.
 */
class AppendedErr implements ErrTree {
  readonly multi = true;
  private view: readonly string[] | undefined;

  constructor(
    readonly buf: string[],
    readonly len: number,
  ) {}

  get msgs(): readonly string[] {
    // The first len entries never change, so the view can be cached.
    this.view ??= this.len === this.buf.length ? this.buf.slice() : this.buf.slice(0, this.len);
    return this.view;
  }
}

function appendMsgs(a: ErrTree | undefined, more: readonly string[]): AppendedErr {
  let buf: string[];
  if (a instanceof AppendedErr && a.len === a.buf.length) {
    buf = a.buf;
  } else {
    buf = a === undefined ? [] : a instanceof AppendedErr ? a.buf.slice(0, a.len) : [...a.msgs];
  }
  for (const m of more) buf.push(m);
  return new AppendedErr(buf, buf.length);
}

/**
 * multierror.Append semantics as used through Istio's appendErrors helper: nil + x = x (kept as is,
 * so a multierror stays a multierror); otherwise the left side becomes a multierror and a
 * multierror on the right is flattened one level into it.
 */
export function appendErr(a: ErrTree | undefined, b: ErrTree | undefined): ErrTree | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  // b.msgs is never a's backing array (an AppendedErr hands out copies), so pushing while reading is safe.
  return appendMsgs(a, b.msgs);
}

/** go-multierror's default ListFormatFunc, or the plain message. */
export function formatErr(e: ErrTree): string {
  if (!e.multi) return e.msgs[0] ?? '';
  return formatMultiError(e.msgs);
}

/** multierror.Prefix: every element (or the plain error) gets "<prefix> " in front. */
export function prefixErr(e: ErrTree, prefix: string): ErrTree {
  return { multi: e.multi, msgs: e.msgs.map((m) => `${prefix} ${m}`) };
}

/** toKubeWarnings: one string per multierror element, or the single message. */
export function errToList(e: ErrTree | undefined): string[] {
  if (e === undefined) return [];
  return [...e.msgs];
}

/**
 * The (warning, error) pair Istio's validators return (agent.Validation). Mutable accumulator;
 * every add* call follows Istio's AppendValidation rules.
 */
export class ValidationResult {
  err: ErrTree | undefined;
  warn: ErrTree | undefined;

  constructor(err?: ErrTree, warn?: ErrTree) {
    this.err = err;
    this.warn = warn;
  }

  static error(msg: string): ValidationResult {
    return new ValidationResult(plainErr(msg));
  }

  static warning(msg: string): ValidationResult {
    return new ValidationResult(undefined, plainErr(msg));
  }

  get ok(): boolean {
    return this.err === undefined;
  }

  /** Append a plain error message (no-op for undefined, mirroring appendErrors(nil)). */
  addError(msg: string | undefined): this {
    if (msg !== undefined) this.err = appendErr(this.err, plainErr(msg));
    return this;
  }

  addWarning(msg: string | undefined): this {
    if (msg !== undefined) this.warn = appendErr(this.warn, plainErr(msg));
    return this;
  }

  /**
   * A direct multierror.Append(err, msg) in Istio (not the appendErrors helper): the result is a
   * multierror even when it holds a single error.
   */
  addErrorMulti(msg: string): this {
    this.err = appendMsgs(this.err, [msg]);
    return this;
  }

  /** Append an error that is already an ErrTree (e.g. a nested multierror). */
  addErrTree(e: ErrTree | undefined): this {
    this.err = appendErr(this.err, e);
    return this;
  }

  /** AppendValidation(v, other): errors and warnings each appended. */
  merge(other: ValidationResult | undefined): this {
    if (other === undefined) return this;
    this.err = appendErr(this.err, other.err);
    this.warn = appendErr(this.warn, other.warn);
    return this;
  }

  /** appendErrors(err, validation): only the error half survives; warnings are lost, as in Go. */
  mergeErrorsOnly(other: ValidationResult | undefined): this {
    if (other !== undefined) this.err = appendErr(this.err, other.err);
    return this;
  }

  errorMessage(): string | undefined {
    return this.err === undefined ? undefined : formatErr(this.err);
  }

  warnings(): string[] {
    return errToList(this.warn);
  }
}

/** The object metadata a kind validator may look at. */
export interface ObjectMetaLite {
  name: string;
  namespace: string;
  annotations: Record<string, string>;
  labels: Record<string, string>;
}

/** The spec arrives already normalised by decode.ts (lowerCamel names). */
export type KindValidator = (spec: Record<string, unknown>, meta: ObjectMetaLite) => ValidationResult;

/** A sequence of plain errors joined with appendErrors: nothing, one plain error, or a multierror. */
export function errFromList(msgs: readonly string[]): ErrTree | undefined {
  if (msgs.length === 0) return undefined;
  if (msgs.length === 1) return plainErr(msgs[0] ?? '');
  return { multi: true, msgs: [...msgs] };
}
