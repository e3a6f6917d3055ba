// The keys the schema accepts, read from the valibot schema itself so that
// "did you mean" suggestions can never fall out of date.

import type * as v from "valibot";
import type { KeyPath } from "../key-path.js";

/** The parts of a valibot schema this walk reads. */
interface SchemaNode {
  kind: string;
  type: string;
  pipe?: readonly SchemaNode[];
  wrapped?: SchemaNode;
  entries?: Readonly<Record<string, SchemaNode>>;
  item?: SchemaNode;
  getter?: (input: unknown) => SchemaNode;
}

// Looks through optionals and pipes to the schema of the value as written: a
// pipe's last schema (a table's first is only its date-time check). A lazy
// schema picks by the value's type (a string or a table): a table's is taken.
function unwrap(schema: SchemaNode): SchemaNode {
  for (;;) {
    if (schema.pipe) schema = schema.pipe.filter((step) => step.kind === "schema").at(-1) ?? schema;
    else if (schema.type === "optional" && schema.wrapped) schema = schema.wrapped;
    else if (schema.type === "lazy" && schema.getter) schema = schema.getter({});
    else return schema;
  }
}

function schemaAt(root: v.GenericSchema, path: KeyPath): SchemaNode | undefined {
  let schema: SchemaNode | undefined = unwrap(root as SchemaNode);
  for (const segment of path) {
    if (schema.entries && typeof segment === "string") {
      const child: SchemaNode | undefined = schema.entries[segment];
      schema = child && unwrap(child);
    } else if (schema.item && typeof segment === "number") {
      schema = unwrap(schema.item);
    } else return undefined;
    if (!schema) return undefined;
  }
  return schema;
}

/** Keys accepted in the table at `path` (in schema order), or [] if it is not a table. */
export function knownKeysAt(root: v.GenericSchema, path: KeyPath): string[] {
  const entries = schemaAt(root, path)?.entries;
  return entries ? Object.keys(entries) : [];
}

/** Whether the schema expects a table at `path`. */
export function isTableKey(root: v.GenericSchema, path: KeyPath): boolean {
  return schemaAt(root, path)?.entries !== undefined;
}

/** Every key and table path the schema accepts, depth first. */
export function allKnownPaths(root: v.GenericSchema, path: KeyPath = []): KeyPath[] {
  return knownKeysAt(root, path).flatMap((key) => {
    const child = [...path, key];
    return [child, ...allKnownPaths(root, child)];
  });
}
