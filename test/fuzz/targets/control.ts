// Control requests as the agent's socket takes them: the connection's bytes
// in random chunks through the server's RequestReader, the line through
// parseRequest, the request to its command with the agent's real handlers
// (controlCommands over a stand-in agent whose flow table holds real
// flows), and the answer through JSON as the server sends it. Seeds: every
// request the CLI sends (captured off a unix socket); a JSON dictionary lets
// mutations spell other values, keys and commands.
// Contract: a malformed request gets an error text from parseRequest or a
// CommandError from its handler, never any other exception, and never
// reaches the agent with an unchecked value; the request read does not
// depend on how the connection chunked it; every answer serialises.
import { controlCommands } from "../../../src/agent/control-commands.js";
import { parseRequest, PROTOCOL_VERSION } from "../../../src/control/protocol.js";
import { RequestReader, type RequestEvent } from "../../../src/control/request-reader.js";
import { CommandError } from "../../../src/control/server.js";
import { standInAgent } from "../../control/stand-in-agent.js";
import { capture } from "../captures.js";
import type { Seed } from "../mutator.js";
import type { Prng } from "../prng.js";
import { count, violation, type FuzzTarget } from "../target.js";

const TOKENS = [
  '"version":1', '"command":', '"args":', "{", "}", "[", "]", ",", ":", '"', "\\", "\\u0000", "\\ud800", "\n", " ",
  "null", "true", "false", "0", "-1", "1e308", "1e999", "0.5", "9007199254740993", '"1"', '""', '"x"', '"*"', '"a:b"', '":"', '"é"',
  '"status"', '"flows.top"', '"flows.count"', '"flows.dump"', '"flows.flush"', '"set.sample-rate"', '"config.show"', '"rib.lookup"',
  '"rib.summary"', '"reload.mmdb"', '"meter.attach"', '"meter.detach"', '"meter.status"',
  '"n":', '"by":', '"all":', '"iface":', '"netns":', '"proto":', '"src":', '"dst":', '"sport":', '"dport":', '"rate":', '"addr":',
  '"toString":', '"valueOf":', '"__proto__":', '"constructor":', '{"toString":1}', '{"valueOf":{}}', "[1,2]", '"::1"', '"10.0.0.1"',
];

/** Values a JSON request can carry that a handler may not expect: wrong types, edge numbers, objects that will not turn into strings. */
const ODD_VALUES: unknown[] = [
  null, true, false, 0, -1, 1.5, 1e308, 2 ** 53 + 2, "", "x", "*", "a:b", ":", "é", "99999999999999999999", "0x10", " 5", "5 ", "-0",
  [], [1], {}, { toString: 1 }, { valueOf: {} }, { toString: {}, valueOf: {} },
];
const EXTRA_KEYS = ["n", "by", "all", "iface", "netns", "proto", "src", "dst", "sport", "dport", "rate", "addr"];

/** Each captured request with one argument (one it has, or one it could have) set to each odd value: the values byte mutations seldom spell. */
function variants(line: string): string[] {
  const req = JSON.parse(line) as { args: Record<string, unknown> };
  const keys = [...new Set([...Object.keys(req.args), ...EXTRA_KEYS.filter((k) => line.includes(`"${k}"`) || Object.keys(req.args).length === 0)])];
  return keys.flatMap((key) => ODD_VALUES.map((v) => `${JSON.stringify({ ...req, args: { ...req.args, [key]: v } })}\n`));
}

/** The connection's bytes in 1 to 3 chunks, cut anywhere (inside a UTF-8 character too). */
function readChunked(bytes: Uint8Array, rng: Prng): RequestEvent | undefined {
  const reader = new RequestReader();
  const cuts = rng.int(3);
  let p = 0;
  for (let k = 0; k <= cuts; k++) {
    const q = k === cuts ? bytes.length : p + rng.int(bytes.length - p + 1);
    const e = reader.push(bytes.subarray(p, q));
    if (e) return e;
    p = q;
  }
  return reader.end();
}

function readWhole(bytes: Uint8Array): RequestEvent | undefined {
  const reader = new RequestReader();
  return reader.push(bytes) ?? reader.end();
}

function same(a: RequestEvent | undefined, b: RequestEvent | undefined): boolean {
  return a?.kind === b?.kind && (a?.kind !== "request" || a.line === (b as { line: string }).line);
}

export function controlTarget(): FuzzTarget {
  const file = "control-requests.jsonl";
  const requests = capture(file);
  const seeds: Seed[] = [];
  const odd: Seed[] = [];
  for (let p = 0, i = 0; p < requests.length; i++) {
    const nl = requests.indexOf(0x0a, p);
    const end = nl < 0 ? requests.length : nl + 1;
    const bytes = requests.subarray(p, end);
    seeds.push({ name: `${file} #${i}`, bytes, lengthFields: [] });
    variants(Buffer.from(bytes).toString()).forEach((v, k) => odd.push({ name: `${file} #${i} odd value ${k}`, bytes: new Uint8Array(Buffer.from(v)), lengthFields: [] }));
    p = end;
  }
  seeds.push(...odd);
  const reached = new Map<string, number>();
  const commands = controlCommands(standInAgent(), "[agent]\n", Date.now());

  const answer = (data: unknown) => {
    JSON.stringify({ version: PROTOCOL_VERSION, ok: true, data });
    count(reached, "answered");
  };
  const refused = (e: unknown) => {
    if (!(e instanceof CommandError)) throw e;
    JSON.stringify({ version: PROTOCOL_VERSION, ok: false, error: e.message });
    count(reached, "command error");
  };

  return {
    name: "control",
    contract: "a malformed request gets parseRequest's error text or a CommandError, never another exception or an unchecked value",
    seeds,
    mutator: { maxLength: 4096, dictionary: TOKENS.map((t) => new Uint8Array(Buffer.from(t))) },
    epoch: 1,
    reached,
    reset() {},
    run(bytes, rng) {
      const read = readChunked(bytes, rng);
      const whole = readWhole(bytes);
      if (!same(read, whole)) violation(`read in chunks as ${JSON.stringify(read)}, in one as ${JSON.stringify(whole)}`);
      if (read?.kind !== "request") return void count(reached, read?.kind ?? "nothing");
      const req = parseRequest(read.line);
      if (typeof req === "string") return void count(reached, "parse error");
      const handler = commands.get(req.command);
      if (!handler) return void count(reached, "unknown command");
      count(reached, req.command);
      let result: unknown;
      try {
        result = handler(req.args ?? {});
      } catch (e) {
        return refused(e);
      }
      if (result instanceof Promise) return result.then(answer, refused);
      answer(result);
    },
  };
}
