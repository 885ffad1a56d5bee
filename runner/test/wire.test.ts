import { MessageSigner } from '@genesis-lab/notebook-runner';

describe('the Jupyter wire format', () => {
  const signer = new MessageSigner('a-key');
  const { msgId, frames } = signer.encode('session-1', 'execute_request', { code: '1' });

  it('signs the four JSON parts with HMAC-SHA256 and reads them back', () => {
    const msg = signer.decode([Buffer.from('routing-id'), ...frames]);
    expect(msg.header).toMatchObject({
      msg_id: msgId,
      msg_type: 'execute_request',
      session: 'session-1',
      version: '5.3'
    });
    expect(msg.content).toEqual({ code: '1' });
  });

  it('refuses a message signed with another key, a tampered one, and one without the delimiter', () => {
    expect(() => new MessageSigner('other').decode(frames)).toThrow(/invalid HMAC-SHA256 signature/);
    const tampered = [...frames];
    tampered[5] = Buffer.from('{"code":"2"}');
    expect(() => signer.decode(tampered)).toThrow(/invalid HMAC-SHA256 signature/);
    expect(() => signer.decode(frames.slice(1))).toThrow(/without the <IDS\|MSG> delimiter/);
  });

  it('says which part of a signed message is malformed', () => {
    const bad = [
      frames[0]!,
      Buffer.alloc(0),
      Buffer.from('{}'),
      Buffer.from('{}'),
      Buffer.from('{}'),
      Buffer.from('{}')
    ];
    bad[1] = Buffer.from(signer.sign(bad.slice(2)));
    expect(() => signer.decode(bad)).toThrow(/malformed message at header\.msg_id/);
  });
});
