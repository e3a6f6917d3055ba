// A campaign in a worker thread (see isolated.ts): the result goes back as a message.
import { parentPort, workerData } from "node:worker_threads";
import { runCampaign, type CampaignOptions } from "./campaign.js";

const { options, progress } = workerData as { options: CampaignOptions; progress: SharedArrayBuffer };
parentPort!.postMessage(await runCampaign(options, new Int32Array(progress)));
