// Stand-alone doctor entry (node dist/src/doctor/main.js): the same report as
// `rfm doctor`, without the CLI, so tests can run it under capsh.
import { doctorExitCode, formatDoctorText, runDoctor } from "./index.js";

const results = await runDoctor();
process.stdout.write(formatDoctorText(results));
process.exitCode = doctorExitCode(results);
