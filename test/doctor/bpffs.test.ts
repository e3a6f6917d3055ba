// Finding bpffs in mountinfo. The real cases run the doctor in a private
// mount namespace (unshare -m), so the host's mounts are never touched.
import { test, describe } from "node:test";
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { bpffsMountPoints, checkBpffs } from "../../src/doctor/bpffs.js";
import { requirePrivileges } from "../harness/privileges.js";

/** `rfm doctor` through the real CLI. */
const RFM_CLI = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

const MOUNTINFO = [
  "22 28 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw",
  "40 22 0:34 / /sys/fs/bpf rw,nosuid,nodev,noexec,relatime shared:15 - bpf bpf rw,mode=700",
  "41 28 0:35 / /run/my\\040pins rw,relatime - bpf none rw",
  "42 28 0:36 / /mnt/not-bpf rw,relatime - tmpfs bpf rw",
].join("\n");

describe("bpffsMountPoints", () => {
  test("lists bpf filesystems by fstype (after the separator), unescaping octal", () => {
    assert.deepEqual(bpffsMountPoints(MOUNTINFO), ["/sys/fs/bpf", "/run/my pins"]);
  });

  test("the check is ok when /sys/fs/bpf is one of them", () => {
    assert.equal(checkBpffs(MOUNTINFO).ok, true);
  });

  test("bpffs elsewhere only is a warning that says where it is and how to mount it", () => {
    const r = checkBpffs(MOUNTINFO.split("\n").filter((l) => !l.includes("/sys/fs/bpf")).join("\n"));
    assert.deepEqual([r.ok, r.required], [false, false]);
    assert.match(r.detail, /bpf mounted at \/run\/my pins/);
    assert.equal(r.fix, "mount -t bpf bpf /sys/fs/bpf");
  });
});

function doctorInMountNamespace(setup: string): Promise<{ code: number; out: string }> {
  // Inside `unshare -m` mounts are private: nothing here reaches the host.
  const script = `${setup}; exec "$0" "$@"`;
  return new Promise((resolve) => {
    execFile("unshare", ["-m", "sh", "-c", script, process.execPath, RFM_CLI, "doctor"], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, out: stdout + stderr });
    });
  });
}

describe("the bpffs line of a real doctor run", () => {
  test("with bpffs mounted at /sys/fs/bpf it reports ok", async (t) => {
    if (!requirePrivileges(t)) return;
    const r = await doctorInMountNamespace("mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf");
    assert.match(r.out, /^ok {3}bpffs: mounted at \/sys\/fs\/bpf$/m);
  });

  test("without it the doctor warns with the mount command, and the warning alone does not fail it", async (t) => {
    if (!requirePrivileges(t)) return;
    const r = await doctorInMountNamespace("umount -R /sys/fs/bpf 2>/dev/null; true");
    assert.match(r.out, /^warn bpffs: not mounted at \/sys\/fs\/bpf.*\(fix: mount -t bpf bpf \/sys\/fs\/bpf\)$/m);
    assert.doesNotMatch(r.out, /^FAIL bpffs/m);
  });
});
