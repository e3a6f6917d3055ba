// --ie-mapping: RustFlow's CSV of elements names and types what the IANA
// registry does not know (enterprise elements) or overrides it; a bad row
// stops the start naming its line.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../cli/run-cli.js";
import { tempDir } from "../harness/temp-dir.js";
import { encodePcap } from "../../src/pcap/index.js";
import { encodeMessage, enterpriseField, field, type Template } from "../../src/ipfix/index.js";
import { IeMappingError, parseIeMapping } from "../../src/collect/decode/ie-mapping.js";

const u16 = (n: number) => [n >> 8, n & 0xff];
function frame(payload: Uint8Array): Uint8Array {
  const udp = [...u16(4739), ...u16(4739), ...u16(8 + payload.length), 0, 0, ...payload];
  return Uint8Array.from([0x45, 0, ...u16(20 + udp.length), 0, 1, 0, 0, 64, 17, 0, 0, 192, 0, 2, 200, 127, 0, 0, 1, ...udp]);
}

describe("--ie-mapping", () => {
  test("rows parse into elements; RustFlow's widthless types take the template's width", () => {
    const m = parseIeMapping("id,enterprise_number,name,data_type\n1,29305,myCounter,unsigned\n8,,srcIp,ipv4Address\n7,9,t,dateTimeMilliseconds\n", "m.csv");
    assert.deepEqual(m.get("29305/1"), { id: 1, name: "myCounter", type: "unsigned64" });
    assert.deepEqual(m.get("0/8"), { id: 8, name: "srcIp", type: "ipv4Address" });
    assert.equal(m.get("9/7")?.type, "dateTimeMilliseconds");
  });

  test("a bad row names its line and what is wrong", () => {
    const bad: [string, RegExp][] = [
      ["id,enterprise_number,name\n", /needs a data_type column/],
      ["id,enterprise_number,name,data_type\n0,,x,unsigned\n", /m\.csv:2: id "0"/],
      ["id,enterprise_number,name,data_type\n5,,x,number\n", /m\.csv:2: data_type "number"/],
      ["id,enterprise_number,name,data_type\n5,-1,x,unsigned\n", /enterprise_number "-1"/],
      ["id,enterprise_number,name,data_type\n5,,,unsigned\n", /name is empty/],
    ];
    for (const [text, message] of bad) assert.throws(() => parseIeMapping(text, "m.csv"), (e: unknown) => e instanceof IeMappingError && message.test(e.message));
  });

  test("raw output names an enterprise element by the mapping and decodes it by its type; without it, pen:id and hex", async (t) => {
    const dir = tempDir("rfm-ie-mapping-", t);
    const template: Template = { id: 256, fields: [field("sourceIPv4Address"), enterpriseField(29305, 1, "unsigned32", 4)] };
    const message = encodeMessage({ exportTime: 1_700_000_000, observationDomainId: 1, sets: [{ kind: "templates", templates: [template] }, { kind: "data", template, records: [["192.0.2.1", 4242]] }] });
    const pcap = join(dir, "x.pcap");
    writeFileSync(pcap, encodePcap([{ tsSec: 1_700_000_000, tsNsec: 0, originalLength: message.length + 28, data: frame(message) }], { linkType: 101 }));
    const mapping = join(dir, "m.csv");
    writeFileSync(mapping, "id,enterprise_number,name,data_type\n1,29305,myCounter,unsigned\n");
    const withMapping = await runCli(["collect", "-t", "netflow", "--pcap", pcap, "--ie-mapping", mapping]);
    assert.equal(withMapping.code, 0, withMapping.stderr);
    assert.match(withMapping.stdout, /\{"sourceIPv4Address":"192\.0\.2\.1","myCounter":4242\}/);
    const without = await runCli(["collect", "-t", "netflow", "--pcap", pcap]);
    assert.match(without.stdout, /"29305:1":"00001092"/);
    writeFileSync(mapping, "id,enterprise_number,name,data_type\n1,29305,myCounter,counter\n");
    const bad = await runCli(["collect", "-t", "netflow", "--pcap", pcap, "--ie-mapping", mapping]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /m\.csv:2: data_type "counter"/);
  });
});
