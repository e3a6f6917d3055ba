// A TCP port nobody listens on right now, so parallel tests do not collide.
import { createServer } from "node:net";

export function freePort(host = "::1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, host, () => {
      const addr = s.address();
      const port = addr && typeof addr === "object" ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}
