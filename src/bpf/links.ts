// Attaching the datapath's programs to interfaces: TCX links (ingress at the
// head of the chain, egress at the tail) or, on kernels without TCX or when
// forced, clsact filters. Both are observe-only and leave the chain intact.
import { loadAddon, isBpfError } from "./addon.js";
import type { Datapath, Programs } from "./datapath.js";

export type AttachMode = "tcx" | "clsact";

interface TcxAttachment {
  mode: "tcx";
  ingressLink: number;
  egressLink: number;
}
interface ClsactAttachment {
  mode: "clsact";
  ingress: { handle: number; priority: number };
  egress: { handle: number; priority: number };
  createdQdisc: boolean;
}
type Attachment = (TcxAttachment | ClsactAttachment) & { ifindex: number; netnsPath: string };

/** Key of an attachment: interfaces are unique per (namespace, ifindex). */
export function attachmentKey(netnsPath: string, ifindex: number): string {
  return `${netnsPath}\u0000${ifindex}`;
}

export class Attachments {
  private readonly addon = loadAddon();
  private readonly byKey = new Map<string, Attachment>();
  /** null until the first attach decides: TCX when the kernel has it. */
  private mode: AttachMode | null;

  constructor(private readonly dp: Datapath, forceMode?: AttachMode) {
    this.mode = forceMode ?? null;
  }

  get attachMode(): AttachMode | null {
    return this.mode;
  }

  has(netnsPath: string, ifindex: number): boolean {
    return this.byKey.has(attachmentKey(netnsPath, ifindex));
  }

  get size(): number {
    return this.byKey.size;
  }

  /**
   * Attaches both directions of `progs` (the datapath's own programs unless
   * given: another namespace has its own instance); a second attach of the
   * same interface is a no-op. Throws BpfError.
   */
  attach(ifindex: number, netnsPath = "", progs: Programs = this.dp): void {
    const key = attachmentKey(netnsPath, ifindex);
    if (this.byKey.has(key)) return;
    if (this.mode !== "clsact") {
      try {
        const ingressLink = this.addon.tcxAttach(progs.ingressFd, ifindex, "ingress", "head", netnsPath);
        let egressLink: number;
        try {
          egressLink = this.addon.tcxAttach(progs.egressFd, ifindex, "egress", "tail", netnsPath);
        } catch (e) {
          this.addon.closeFd(ingressLink);
          throw e;
        }
        this.mode = "tcx";
        this.byKey.set(key, { mode: "tcx", ingressLink, egressLink, ifindex, netnsPath });
        return;
      } catch (e) {
        // EINVAL on the very first attach means a kernel without TCX: fall back for good.
        if (!(this.mode === null && isBpfError(e) && e.code === "EINVAL")) throw e;
        this.mode = "clsact";
      }
    }
    if (netnsPath) throw new Error("clsact attachment inside another network namespace is not supported; this kernel needs TCX (>= 6.6) for that");
    const ing = this.addon.tcAttach(progs.ingressFd, ifindex, "ingress");
    let eg: { handle: number; priority: number; createdQdisc: boolean };
    try {
      eg = this.addon.tcAttach(progs.egressFd, ifindex, "egress");
    } catch (e) {
      this.addon.tcDetach(ifindex, "ingress", ing.handle, ing.priority, ing.createdQdisc);
      throw e;
    }
    this.byKey.set(key, {
      mode: "clsact",
      ingress: { handle: ing.handle, priority: ing.priority },
      egress: { handle: eg.handle, priority: eg.priority },
      createdQdisc: ing.createdQdisc || eg.createdQdisc,
      ifindex,
      netnsPath,
    });
  }

  /** Detaches both directions. A link that is already gone took its programs with it. */
  detach(ifindex: number, netnsPath = ""): boolean {
    const key = attachmentKey(netnsPath, ifindex);
    const a = this.byKey.get(key);
    if (!a) return false;
    this.byKey.delete(key);
    if (a.mode === "tcx") {
      this.addon.closeFd(a.ingressLink);
      this.addon.closeFd(a.egressLink);
    } else {
      this.addon.tcDetach(ifindex, "ingress", a.ingress.handle, a.ingress.priority, false);
      this.addon.tcDetach(ifindex, "egress", a.egress.handle, a.egress.priority, a.createdQdisc);
    }
    return true;
  }

  detachAll(): void {
    for (const a of [...this.byKey.values()]) this.detach(a.ifindex, a.netnsPath);
  }
}
