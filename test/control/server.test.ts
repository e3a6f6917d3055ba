// The control server on a real unix socket, without an agent: one request per
// connection runs its command once, however the bytes after it arrive.
import { tempDir } from "../harness/temp-dir.js";
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { createConnection } from "node:net";
import { join } from "node:path";
import { ControlServer, type CommandHandler } from "../../src/control/server.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("control server", () => {
  test("a slow command runs once when more bytes, and then the end, follow its request line before it answers", async (t) => {
    const dir = tempDir("rfm-ctl-", t);
    let calls = 0;
    const commands = new Map<string, CommandHandler>([
      [
        "slow",
        async () => {
          calls++;
          await sleep(200);
          return calls;
        },
      ],
    ]);
    const server = new ControlServer(join(dir, "rfm.sock"), commands);
    await server.listen();
    t.after(() => server.close());

    const answer = await new Promise<string>((resolve, reject) => {
      const c = createConnection(join(dir, "rfm.sock"));
      let got = "";
      c.on("connect", async () => {
        c.write('{"version":1,"command":"slow"}\n');
        await sleep(50);
        c.write('{"version":1,"command":"slow"}\n');
        await sleep(50);
        c.end();
      });
      c.on("data", (d: Buffer) => (got += d.toString()));
      c.on("close", () => resolve(got));
      c.on("error", reject);
    });
    assert.deepEqual(JSON.parse(answer), { version: 1, ok: true, data: 1 });
    assert.equal(calls, 1);
  });
});
