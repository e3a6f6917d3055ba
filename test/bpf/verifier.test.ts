// A program the verifier rejects surfaces as an error carrying errno and the
// tail of the verifier log, so an operator sees why.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir, arch } from "node:os";
import { join } from "node:path";
import { verifyObject } from "../../src/bpf/datapath.js";
import { isBpfError } from "../../src/bpf/addon.js";
import { requirePrivileges } from "../harness/privileges.js";

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

test("a verifier rejection carries errno and the last lines of the verifier log", (t) => {
  if (!requirePrivileges(t)) return;
  const dir = mkdtempSync(join(tmpdir(), "rfm-verifier-"));
  writeFileSync(join(dir, "bad.c"), UNCHECKED_PACKET_READ);
  const multiarch = arch() === "arm64" ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
  execFileSync("clang", ["-target", "bpf", "-O2", "-g", `-I/usr/include/${multiarch}`, "-c", join(dir, "bad.c"), "-o", join(dir, "bad.o")]);
  let caught: unknown;
  try {
    verifyObject(join(dir, "bad.o"));
  } catch (e) {
    caught = e;
  }
  assert.ok(isBpfError(caught), `expected a BPF error, got ${String(caught)}`);
  assert.equal(caught.code, "EACCES");
  assert.match(caught.verifierLog ?? "", /invalid access to packet/);
});
