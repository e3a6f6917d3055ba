// The keys the schema accepts, read from the zod schema itself so that
// "did you mean" suggestions can never fall out of date.

import { z } from "zod";
import type { KeyPath } from "../key-path.js";

// Looks through defaults, optionals and transforms to the schema of the value as written.
function unwrap(schema: z.ZodType): z.ZodType {
  for (;;) {
    // A pipe from a transform is a preprocess step: the value is checked by `out`.
    if (schema instanceof z.ZodPipe) schema = (schema.in instanceof z.ZodTransform ? schema.out : schema.in) as z.ZodType;
    else if (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault || schema instanceof z.ZodOptional) {
      schema = schema.unwrap() as z.ZodType;
    } else return schema;
  }
}

function schemaAt(root: z.ZodType, path: KeyPath): z.ZodType | undefined {
  let schema: z.ZodType | undefined = unwrap(root);
  for (const segment of path) {
    if (schema instanceof z.ZodObject && typeof segment === "string") {
      const child: z.ZodType | undefined = (schema.shape as Record<string, z.ZodType | undefined>)[segment];
      schema = child && unwrap(child);
    } else if (schema instanceof z.ZodArray && typeof segment === "number") {
      schema = unwrap(schema.element as z.ZodType);
    } else return undefined;
  }
  return schema;
}

/** Keys accepted in the table at `path` (in schema order), or [] if it is not a table. */
export function knownKeysAt(root: z.ZodType, path: KeyPath): string[] {
  const schema = schemaAt(root, path);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** Whether the schema expects a table at `path`. */
export function isTableKey(root: z.ZodType, path: KeyPath): boolean {
  return schemaAt(root, path) instanceof z.ZodObject;
}

/** Every key and table path the schema accepts, depth first. */
export function allKnownPaths(root: z.ZodType, path: KeyPath = []): KeyPath[] {
  return knownKeysAt(root, path).flatMap((key) => {
    const child = [...path, key];
    return [child, ...allKnownPaths(root, child)];
  });
}
