// The lab leaves nothing behind: namespaces, host links and processes are
// gone after it, whether the body returns, throws or hangs.
import { test, describe } from "node:test";
import { strict as assert } from "node:assert";
import { fileURLToPath } from "node:url";
import { execIn, HOST_NS, type NetnsProcess } from "./exec.js";
import { ipTry } from "./ip.js";
import { createLab, withLab, type Lab } from "./lab.js";
import { linkInfo, linkStats } from "./links.js";
import { ping } from "./traffic.js";
import { setTimeout as sleep } from "node:timers/promises";
import { MAX_NAME } from "./names.js";
import { listNetns } from "./netns.js";
import { requirePrivileges } from "./privileges.js";

const FAILING_LAB_CASE = fileURLToPath(new URL("./fixtures/failing-lab-case.js", import.meta.url));

async function hostLinkExists(name: string): Promise<boolean> {
  return (await ipTry(null, ["link", "show", "dev", name])).code === 0;
}

async function assertGone(namespaces: readonly string[], hostLinks: readonly string[] = []): Promise<void> {
  const present = await listNetns();
  for (const ns of namespaces) assert.ok(!present.includes(ns), `namespace ${ns} still exists`);
  for (const link of hostLinks) assert.equal(await hostLinkExists(link), false, `host link ${link} still exists`);
}

describe("lab lifecycle", () => {
  test("namespaces and host links exist inside withLab and are gone after, even when the body throws", async (t) => {
    if (!requirePrivileges(t)) return;
    let namespaces: string[] = [];
    let hostEnd = "";
    await assert.rejects(
      withLab(async (lab) => {
        const a = await lab.netns();
        const b = await lab.netns();
        await lab.veth({ ns: a }, { ns: b });
        hostEnd = (await lab.veth({ ns: HOST_NS }, { ns: a })).a.name;
        namespaces = [a, b];
        const present = await listNetns();
        assert.ok(present.includes(a) && present.includes(b));
        assert.equal(await hostLinkExists(hostEnd), true);
        throw new Error("test body failed");
      }),
      /test body failed/,
    );
    assert.equal(namespaces.length, 2);
    await assertGone(namespaces, [hostEnd]);
  });

  test("createLab cleans up when its test fails, before the test process exits", async (t) => {
    if (!requirePrivileges(t)) return;
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const r = await execIn(HOST_NS, [process.execPath, "--test-reporter=tap", FAILING_LAB_CASE], { env });
    assert.equal(r.code, 1, "the fixture test should fail");
    assert.match(r.stdout, /deliberate failure/);
    const m = /LAB (\{.*\})/.exec(r.stdout);
    assert.ok(m?.[1], r.stdout);
    const lab = JSON.parse(m[1]) as { namespaces: string[]; hostLink: string };
    await assertGone(lab.namespaces, [lab.hostLink]);
  });

  test("withLab rejects after its timeout and still cleans up", async (t) => {
    if (!requirePrivileges(t)) return;
    let ns = "";
    const started = Date.now();
    await assert.rejects(
      withLab(
        async (lab) => {
          ns = await lab.netns();
          await new Promise(() => undefined); // hangs
        },
        { timeoutMs: 1000 },
      ),
      /lab timed out after 1000 ms/,
    );
    assert.ok(Date.now() - started < 10_000);
    await assertGone([ns]);
  });

  test("cleanup kills spawned processes before deleting their namespace", async (t) => {
    if (!requirePrivileges(t)) return;
    let proc: NetnsProcess | undefined;
    let ns = "";
    await withLab(async (lab) => {
      ns = await lab.netns();
      proc = lab.spawn(ns, ["sleep", "300"]);
      assert.equal(proc.isRunning, true);
    });
    assert.ok(proc);
    const r = await proc.exited;
    assert.equal(r.signal, "SIGKILL");
    await assertGone([ns]);
  });

  test("a cleaned-up lab refuses new work", async (t) => {
    if (!requirePrivileges(t)) return;
    let kept: Lab | undefined;
    await withLab(async (lab) => {
      kept = lab;
    });
    assert.ok(kept?.closed);
    await assert.rejects(kept.netns(), /lab already cleaned up/);
    assert.throws(() => kept?.spawn(HOST_NS, ["true"]), /lab already cleaned up/);
  });
});

describe("lab topology", () => {
  test("names fit IFNAMSIZ and veth ends land in the requested namespaces, up, with their MACs", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const a = await lab.netns();
    const b = await lab.netns();
    const pair = await lab.veth({ ns: a }, { ns: b, name: "eth0" });
    for (const name of [a, b, pair.a.name]) assert.ok(name.length <= MAX_NAME, name);
    assert.equal(pair.b.name, "eth0");
    for (const end of [pair.a, pair.b]) {
      const info = await linkInfo(end.ns, end.name);
      assert.equal(info.ifindex, end.ifindex);
      assert.equal(info.mac, end.mac);
      // The kernel's own view, from inside the namespace.
      const sys = await lab.execOk(end.ns, ["cat", `/sys/class/net/${end.name}/ifindex`, `/sys/class/net/${end.name}/address`]);
      assert.deepEqual(sys.stdout.trim().split("\n"), [String(end.ifindex), end.mac]);
    }
  });

  test("each veth pair gets its own subnet, addresses .1 and .2 (IPv4) and ::1 and ::2 (IPv6)", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const a = await lab.netns();
    const one = await lab.veth({ ns: a }, { ns: HOST_NS });
    const two = await lab.veth({ ns: a }, { ns: HOST_NS }, { subnet: one.subnet === 200 ? 201 : 200 });
    assert.notEqual(one.subnet, two.subnet);
    assert.equal(one.a.cidr4, `10.77.${one.subnet}.1/24`);
    assert.equal(one.b.ipv4, `10.77.${one.subnet}.2`);
    assert.equal(two.a.cidr6, `fd77:${two.subnet.toString(16)}::1/64`);
    const addrs = await lab.execOk(a, ["ip", "-br", "addr", "show", "dev", one.a.name]);
    assert.match(addrs.stdout, new RegExp(`${one.a.cidr4}.*${one.a.cidr6}`));
  });

  test("a quiet pair (the default) carries only the test's packets: no ARP, ND, MLD or router solicitations", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const a = await lab.netns();
    const b = await lab.netns();
    const pair = await lab.veth({ ns: a }, { ns: b });
    await sleep(2000); // link-up chatter of a non-quiet pair starts well within this
    const idle = await linkStats(a, pair.a.name);
    assert.deepEqual([idle.txPackets, idle.rxPackets], [0, 0], "the stack sent packets of its own");

    await ping(lab, { from: a, to: pair.b.ipv4, count: 2 });
    await ping(lab, { from: a, to: pair.b.ipv6, count: 2 });
    const after = await linkStats(a, pair.a.name);
    assert.deepEqual([after.txPackets, after.rxPackets], [4, 4]);
  });

  test("quiet: false gives a plain link: IPv6 link-local address, neighbours resolved by ARP/ND", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const a = await lab.netns();
    const b = await lab.netns();
    const pair = await lab.veth({ ns: a }, { ns: b }, { quiet: false, staticNeighbors: false });
    const addrs = await lab.execOk(a, ["ip", "-6", "-br", "addr", "show", "dev", pair.a.name]);
    assert.match(addrs.stdout, /fe80::/);
    assert.equal((await ping(lab, { from: a, to: pair.b.ipv4, count: 1 })).received, 1);
    const neigh = await lab.execOk(a, ["ip", "neigh", "show", pair.b.ipv4]);
    assert.match(neigh.stdout, new RegExp(`lladdr ${pair.b.mac} (REACHABLE|STALE|DELAY)`));
  });

  test("a quiet pair without static neighbours is refused (nothing could resolve them)", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const a = await lab.netns();
    await assert.rejects(lab.veth({ ns: a }, { ns: HOST_NS }, { staticNeighbors: false }), /needs staticNeighbors/);
  });
});
