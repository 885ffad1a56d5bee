import { z } from 'zod';

/**
 * The parts of the Jupyter messaging protocol (v5.3) the runner sends and reads. Every message a
 * kernel sends is validated against these before it touches a notebook: a kernel is a separate
 * program, so its messages are input like any other boundary.
 * https://jupyter-client.readthedocs.io/en/latest/messaging.html
 */
export const PROTOCOL_VERSION = '5.3';

export const MessageHeader = z.looseObject({
  msg_id: z.string().min(1),
  msg_type: z.string().min(1),
  session: z.string(),
  username: z.string().optional(),
  date: z.string().optional(),
  version: z.string().optional()
});
export type MessageHeader = z.infer<typeof MessageHeader>;

/** A message as read off a socket, signature already checked. `parent_header` is `{}` when it has none. */
export const KernelMessage = z.object({
  header: MessageHeader,
  parent_header: z.union([MessageHeader, z.looseObject({})]),
  metadata: z.record(z.string(), z.unknown()),
  content: z.record(z.string(), z.unknown())
});
export type KernelMessage = z.infer<typeof KernelMessage>;

/** The parent request's id, or undefined for a message with no parent (e.g. the kernel's starting status). */
export function parentId(msg: KernelMessage): string | undefined {
  const id = (msg.parent_header as { msg_id?: unknown }).msg_id;
  return typeof id === 'string' && id ? id : undefined;
}

const MimeBundle = z.record(z.string(), z.unknown());
const Transient = z.looseObject({ display_id: z.string().optional() }).optional();

/** iopub message contents, by msg_type. */
export const IopubContent = {
  status: z.looseObject({ execution_state: z.enum(['busy', 'idle', 'starting', 'restarting', 'dead']) }),
  stream: z.looseObject({ name: z.enum(['stdout', 'stderr']), text: z.string() }),
  display_data: z.looseObject({ data: MimeBundle, metadata: MimeBundle.default({}), transient: Transient }),
  update_display_data: z.looseObject({ data: MimeBundle, metadata: MimeBundle.default({}), transient: Transient }),
  execute_result: z.looseObject({
    execution_count: z.number().int().nullable().optional(),
    data: MimeBundle,
    metadata: MimeBundle.default({}),
    transient: Transient
  }),
  error: z.looseObject({ ename: z.string(), evalue: z.string(), traceback: z.array(z.string()).default([]) }),
  clear_output: z.looseObject({ wait: z.boolean().default(false) }),
  execute_input: z.looseObject({ code: z.string().optional(), execution_count: z.number().int().nullable().optional() })
} as const;
export type IopubType = keyof typeof IopubContent;

/**
 * execute_reply. `status` is kept as any string: the protocol says ok | error | aborted, but tslab
 * answers `abort` for a request it dropped after an error, and a runner must recognise both.
 */
export const ExecuteReply = z.looseObject({
  status: z.string(),
  execution_count: z.number().int().nullable().optional(),
  ename: z.string().optional(),
  evalue: z.string().optional(),
  traceback: z.array(z.string()).optional()
});
export type ExecuteReply = z.infer<typeof ExecuteReply>;

/** The reply statuses by which a kernel says it dropped a request unexecuted. */
export function isAborted(reply: ExecuteReply): boolean {
  return reply.status === 'aborted' || reply.status === 'abort';
}

export const KernelInfoReply = z.looseObject({
  protocol_version: z.string().optional(),
  implementation: z.string().optional(),
  implementation_version: z.string().optional(),
  language_info: z.looseObject({ name: z.string().optional(), version: z.string().optional() }).optional()
});
export type KernelInfoReply = z.infer<typeof KernelInfoReply>;
