// What the tests with real BMP speakers stand on: routers A and B in
// namespaces of their own, peering over a veth, and the agent in the test
// process with its BMP listener on the host end of a veth into A (A reports
// there). And the question they all ask the RIB: which origin AS labels an
// address.
import type { TestContext } from "node:test";
import { createLab, type Lab, type VethPair } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { freePort } from "../harness/ports.js";
import { startAgent } from "../agent/agent-lab.js";
import { parseAddress } from "../../src/net/address.js";
import type { Agent } from "../../src/agent/agent.js";

export interface SpeakerLab {
  lab: Lab;
  nsA: string;
  nsB: string;
  /** A (end a) to B (end b). */
  ab: VethPair;
  /** Where A reports BMP to: the agent's listener. */
  bmp: { host: string; port: number };
  agent: Agent;
}

export async function startSpeakerLab(t: TestContext): Promise<SpeakerLab> {
  const lab = await createLab(t);
  const nsA = await lab.netns();
  const nsB = await lab.netns();
  const ab = await lab.veth({ ns: nsA }, { ns: nsB });
  const ha = await lab.veth({ ns: HOST_NS }, { ns: nsA });
  const bmp = { host: ha.a.ipv4, port: await freePort("127.0.0.1") };
  const { agent } = await startAgent(t, ["rfmt-none"], {}, `[agent.enrich.rib.bmp]\nhost = "${bmp.host}"\nport = ${bmp.port}\n`);
  return { lab, nsA, nsB, ab, bmp, agent };
}

/** Origin AS of the route labelling `addr` in the agent's RIB; -1 without a route. */
export function originOf(agent: Agent, addr: string): number {
  const ref = agent.rib!.lookup(parseAddress(addr));
  return ref < 0 ? -1 : agent.rib!.origin(ref);
}
