/**
 * Field tables of Istio's API messages (istio-descriptors.gen.ts, generated from istio.io/api's .proto
 * files) in the shape decoding and printing need them.
 */

/**
 * [proto name, type], then 1 if repeated, the key type if a map, or 0 and the oneof's name for a oneof member.
 * A type is a scalar name or a full message/enum name.
 */
export type FieldRow = readonly [string, string] | readonly [string, string, 1 | string] | readonly [string, string, 0, string];
export type MessageTable = Readonly<Record<string, readonly FieldRow[]>>;
export type EnumTable = Readonly<Record<string, ReadonlyArray<readonly [string, number]>>>;

export interface FieldDesc {
  /** snake_case proto name (jsonpb accepts it too) */
  readonly name: string;
  /** lowerCamel JSON name, as protoc derives it */
  readonly json: string;
  /** scalar name, or the full name of a message or enum */
  readonly type: string;
  readonly repeated: boolean;
  /** set for a map field: the key's scalar type */
  readonly mapKey?: string;
  /** set for a member of a oneof: its name (the last member jsonpb decodes is the one kept) */
  readonly oneof?: string;
}

export interface MessageDesc {
  readonly name: string;
  /** in declaration order */
  readonly fields: readonly FieldDesc[];
  /** by proto name and by JSON name */
  readonly byName: ReadonlyMap<string, FieldDesc>;
}

/** protoc's JSON name: every underscore dropped, a lower-case letter after one upper-cased. */
export function jsonName(protoName: string): string {
  if (!protoName.includes('_')) return protoName;
  let out = '';
  let afterUnderscore = false;
  for (const ch of protoName) {
    if (ch === '_') {
      afterUnderscore = true;
      continue;
    }
    out += afterUnderscore && ch >= 'a' && ch <= 'z' ? ch.toUpperCase() : ch;
    afterUnderscore = false;
  }
  return out;
}

export interface DescriptorSet {
  message(name: string): MessageDesc | undefined;
  /** An enum's value names, in declaration order (the first is its zero value). */
  enumValues(name: string): readonly string[] | undefined;
  /** Their numbers, in the same order. */
  enumNumbers(name: string): readonly number[] | undefined;
}

export function descriptorSet(messages: MessageTable, enums: EnumTable): DescriptorSet {
  const cache = new Map<string, MessageDesc>();
  const enumNames = new Map<string, readonly string[]>();
  return {
    message(name) {
      const hit = cache.get(name);
      if (hit !== undefined) return hit;
      const rows = messages[name];
      if (rows === undefined) return undefined;
      const fields = rows.map((r): FieldDesc => {
        const extra = r[2];
        return {
          name: r[0],
          json: jsonName(r[0]),
          type: r[1],
          repeated: extra === 1,
          ...(typeof extra === 'string' ? { mapKey: extra } : {}),
          ...(r.length === 4 ? { oneof: r[3] } : {}),
        };
      });
      const byName = new Map<string, FieldDesc>();
      for (const fd of fields) {
        byName.set(fd.name, fd);
        byName.set(fd.json, fd);
      }
      const desc: MessageDesc = { name, fields, byName };
      cache.set(name, desc);
      return desc;
    },
    enumValues(name) {
      let names = enumNames.get(name);
      if (names === undefined && enums[name] !== undefined) enumNames.set(name, (names = enums[name].map(([n]) => n)));
      return names;
    },
    enumNumbers(name) {
      return enums[name]?.map(([, v]) => v);
    },
  };
}

/** The scalar each google.protobuf wrapper message holds in its field 1. */
export const WRAPPER_SCALARS: Readonly<Record<string, string>> = {
  'google.protobuf.BoolValue': 'bool',
  'google.protobuf.StringValue': 'string',
  'google.protobuf.BytesValue': 'bytes',
  'google.protobuf.Int32Value': 'int32',
  'google.protobuf.UInt32Value': 'uint32',
  'google.protobuf.Int64Value': 'int64',
  'google.protobuf.UInt64Value': 'uint64',
  'google.protobuf.FloatValue': 'float',
  'google.protobuf.DoubleValue': 'double',
};
