// [agent.prometheus]: where the metrics endpoint listens.

import * as v from "valibot";
import { integer, nonEmptyString, table } from "../fields.js";

export const prometheusSchema = table({
  host: v.optional(nonEmptyString('must not be empty (use "::" or "0.0.0.0" to listen on all addresses)'), "::1"),
  port: v.optional(integer(1, 65_535), 9669n),
});
