import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { KernelMessage, PROTOCOL_VERSION, type MessageHeader } from './messages';

/**
 * The wire form of a Jupyter message: [routing ids..., "<IDS|MSG>", HMAC-SHA256 hex signature,
 * header, parent_header, metadata, content, buffers...], the signature over the four JSON parts.
 */
const DELIMITER = Buffer.from('<IDS|MSG>');

export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

export class MessageSigner {
  constructor(private readonly key: string) {}

  sign(parts: ReadonlyArray<Buffer | string>): string {
    // An empty key means "unsigned" in the protocol; we always generate one, but honour it.
    if (!this.key) return '';
    const h = createHmac('sha256', this.key);
    for (const p of parts) h.update(p);
    return h.digest('hex');
  }

  /** Frames for a request from this client. */
  encode(session: string, msgType: string, content: Record<string, unknown>): { msgId: string; frames: Buffer[] } {
    const header: MessageHeader = {
      msg_id: randomUUID(),
      msg_type: msgType,
      session,
      username: 'genesis-runner',
      date: new Date().toISOString(),
      version: PROTOCOL_VERSION
    };
    const parts = [header, {}, {}, content].map((x) => Buffer.from(JSON.stringify(x)));
    return { msgId: header.msg_id, frames: [DELIMITER, Buffer.from(this.sign(parts)), ...parts] };
  }

  /** Parse and verify frames from a kernel; throws WireError saying what was wrong. */
  decode(frames: ReadonlyArray<Buffer>): KernelMessage {
    const at = frames.findIndex((f) => f.equals(DELIMITER));
    if (at < 0) throw new WireError('message without the <IDS|MSG> delimiter');
    const signature = frames[at + 1];
    const parts = frames.slice(at + 2, at + 6);
    if (!signature || parts.length < 4)
      throw new WireError(`message with ${frames.length - at - 1} parts after the delimiter (need 5)`);
    const want = Buffer.from(this.sign(parts));
    if (want.length !== signature.length || !timingSafeEqual(want, signature))
      throw new WireError('message with an invalid HMAC-SHA256 signature (not from this kernel, or corrupted)');
    let json: unknown[];
    try {
      json = parts.map((p) => JSON.parse(p.toString('utf8')) as unknown);
    } catch (e) {
      throw new WireError(`message part is not JSON: ${(e as Error).message}`);
    }
    const r = KernelMessage.safeParse({ header: json[0], parent_header: json[1], metadata: json[2], content: json[3] });
    if (!r.success) {
      const i = r.error.issues[0]!;
      throw new WireError(`malformed message at ${i.path.join('.') || '(root)'}: ${i.message}`);
    }
    return r.data;
  }
}
