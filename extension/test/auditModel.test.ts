import { GenesisError, type AuditEntry } from '@genesis-lab/contract';
import { AuditLogModel, NO_FILTERS } from '../audit/auditModel';
import { TestClient } from './support/testClient';

function entry(seq: number, action = 'token.create', actor = 'alice'): AuditEntry {
  return {
    seq,
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
    actor,
    action,
    target: `t${seq}`,
    detail: {},
    prevHash: '0'.repeat(64),
    hash: 'a'.repeat(64),
    keyId: 'ak_0123456789abcdef'
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('AuditLogModel', () => {
  it('sends the filters (trimmed, empty ones left out) and pages on with them', async () => {
    const client = new TestClient();
    const m = new AuditLogModel(client, () => 2);
    const loading = m.setFilters({
      ...NO_FILTERS,
      actor: ' alice ',
      action: 'token',
      since: '2026-01-01T00:00:00.000Z'
    });
    expect(client.auditPages[0]!.args).toEqual({
      actor: 'alice',
      action: 'token',
      since: '2026-01-01T00:00:00.000Z',
      until: undefined,
      after: 0,
      limit: 2
    });
    client.auditPages[0]!.resolve({ entries: [entry(1), entry(2)], next: 2 });
    await loading;
    expect(m.entries.map((e) => e.seq)).toEqual([1, 2]);
    expect(m.hasMore).toBe(true);
    const more = m.loadMore();
    expect(client.auditPages[1]!.args).toMatchObject({ actor: 'alice', action: 'token', after: 2 });
    client.auditPages[1]!.resolve({ entries: [entry(3)] });
    await more;
    expect(m.entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(m.hasMore).toBe(false);
    expect(m.access.kind).toBe('allowed');
  });

  it('a newer filter wins over a slower answer to an older one', async () => {
    const client = new TestClient({ honourAbort: false });
    const m = new AuditLogModel(client, () => 50);
    const first = m.setFilters({ ...NO_FILTERS, actor: 'alice' });
    const second = m.setFilters({ ...NO_FILTERS, actor: 'bob' });
    client.auditPages[1]!.resolve({ entries: [entry(5, 'job.submit', 'bob')] });
    client.auditPages[0]!.resolve({ entries: [entry(1)] });
    await Promise.all([first, second]);
    expect(m.entries.map((e) => e.actor)).toEqual(['bob']);
  });

  it('a caller who may not read the log is told why, and sees no entries', async () => {
    const client = new TestClient();
    const m = new AuditLogModel(client, () => 50);
    const loading = m.load();
    client.auditPages[0]!.reject(
      new GenesisError('forbidden', 'The audit log is for maintainers of a project and admins')
    );
    await loading;
    expect(m.access).toEqual({
      kind: 'forbidden',
      message: expect.stringContaining('The audit log is for maintainers of a project and admins')
    });
    expect(m.entries).toEqual([]);
  });

  it('shows an intact chain, a broken one with its first bad entry, and a refusal to verify', async () => {
    const client = new TestClient();
    const m = new AuditLogModel(client, () => 50);
    let v = m.verify();
    expect(m.chain.kind).toBe('checking');
    client.auditVerifications[0]!.resolve({ ok: true, entries: 12 });
    await v;
    expect(m.chain).toEqual({ kind: 'intact', entries: 12 });
    v = m.verify();
    client.auditVerifications[1]!.resolve({
      ok: false,
      entries: 4,
      firstBad: { seq: 4, reason: 'entry 4 was edited' }
    });
    await v;
    expect(m.chain).toEqual({ kind: 'broken', entries: 4, seq: 4, reason: 'entry 4 was edited' });
    v = m.verify();
    client.auditVerifications[2]!.reject(new GenesisError('forbidden', 'This needs the admin scope'));
    await v;
    expect(m.chain).toMatchObject({ kind: 'not-allowed', message: expect.stringContaining('admin') });
  });

  it('exports every matching entry as JSON lines, page after page', async () => {
    const client = new TestClient();
    const m = new AuditLogModel(client, () => 50);
    void m.setFilters({ ...NO_FILTERS, action: 'job' });
    const exporting = m.exportLines();
    expect(m.exporting).toBe(true);
    await flush();
    expect(client.auditPages[1]!.args).toMatchObject({ action: 'job', after: 0, limit: 1000 });
    client.auditPages[1]!.resolve({ entries: [entry(1, 'job.submit')], next: 1 });
    await flush();
    expect(client.auditPages[2]!.args).toMatchObject({ action: 'job', after: 1 });
    client.auditPages[2]!.resolve({ entries: [entry(2, 'job.cancel')] });
    const text = await exporting;
    expect(
      text
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as AuditEntry).action)
    ).toEqual(['job.submit', 'job.cancel']);
    expect(m.exporting).toBe(false);
  });
});
