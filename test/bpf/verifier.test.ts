// A program the verifier rejects surfaces as an error carrying errno and the
// tail of the verifier log, so an operator sees why.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { arch } from "node:os";
import { join } from "node:path";
import { BPF_OBJECT_PATH, verifyObject } from "../../src/bpf/datapath.js";
import { isBpfError, loadAddon } from "../../src/bpf/addon.js";
import { requirePrivileges } from "../harness/privileges.js";
import { tempDir } from "../harness/temp-dir.js";

const UNCHECKED_PACKET_READ = `
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
SEC("tc")
int unchecked(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	return *(int *)data; /* no bounds check against data_end */
}
char LICENSE[] SEC("license") = "GPL";
`;

function badObject(): string {
  const dir = tempDir("rfm-verifier-");
  writeFileSync(join(dir, "bad.c"), UNCHECKED_PACKET_READ);
  const multiarch = arch() === "arm64" ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
  execFileSync("clang", ["-target", "bpf", "-O2", "-g", `-I/usr/include/${multiarch}`, "-c", join(dir, "bad.c"), "-o", join(dir, "bad.o")]);
  return join(dir, "bad.o");
}

test("a verifier rejection carries errno and the last lines of the verifier log", (t) => {
  if (!requirePrivileges(t)) return;
  const bad = badObject();
  let caught: unknown;
  try {
    verifyObject(bad);
  } catch (e) {
    caught = e;
  }
  assert.ok(isBpfError(caught), `expected a BPF error, got ${String(caught)}`);
  assert.equal(caught.code, "EACCES");
  assert.match(caught.verifierLog ?? "", /invalid access to packet/);
});

test("loaded on the libuv pool (objectOpenAsync), a rejection carries the same; a good object loads while the loop runs", async (t) => {
  if (!requirePrivileges(t)) return;
  const addon = loadAddon();
  const rejected = await addon.objectOpenAsync(badObject(), {}).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(isBpfError(rejected), `expected a BPF error, got ${String(rejected)}`);
  assert.equal(rejected.code, "EACCES");
  assert.match(rejected.verifierLog ?? "", /invalid access to packet/);
  assert.match(rejected.message, /^load BPF object .*bad\.o: /);

  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  try {
    const h = await addon.objectOpenAsync(BPF_OBJECT_PATH, {});
    assert.deepEqual(addon.programNames(h).sort(), ["rfm_tc_egress", "rfm_tc_ingress"]);
    addon.objectClose(h);
  } finally {
    clearInterval(timer);
  }
  assert.ok(ticks > 0, "timers ran while the verifier worked");
  assert.throws(() => addon.objectOpenAsync(BPF_OBJECT_PATH, { globals: { no_such_global: 1 } }), /set global no_such_global/);
});
