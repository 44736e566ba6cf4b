import { describe, expect, it } from 'vitest';
import {
  decodeEncodingAesKey,
  decryptMessage,
  encryptMessage,
  pkcs7Pad,
  pkcs7Unpad,
  sealReply,
} from '../../../src/channels/wechat-oa/crypto';
import { renderPassiveText } from '../../../src/channels/wechat-oa/passive-reply';
import { readXmlFields } from '../../../src/channels/wechat-oa/read-xml-fields';
import { isValidSignature, wechatSignature } from '../../../src/channels/wechat-oa/signature';

// Vectors computed outside Node (Python hashlib and `openssl enc -aes-256-cbc -nopad` on a
// hand-padded plaintext), so the implementation is checked against an independent one.
const TOKEN = 'testtoken';
const ENCODING_AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const KEY_HEX = '69b71d79f8218a39259a7a29aabb2dbafc31cb3d35db7e39ebbf3d0010831051';
const APP_ID = 'wx0123456789abcdef';
const XML =
  '<xml><ToUserName><![CDATA[gh_0a1b2c3d4e5f]]></ToUserName><Content><![CDATA[查积分]]></Content></xml>';
const RANDOM = Buffer.from('0123456789abcdef');
const ENCRYPTED =
  'Q3stYC6hdFzMh9T8HCvyDEQXfsAOq3Pa7smZZKzCR04oEmt0DcQj5DcXPUPUCw78Z7zWoqCjmuhw08eqkFfmI3beklASRBbND7fzo9/iPh5pobR4bMNfUqTiw0SK/mIegRdtuMm4dwLXjFc1c3GHrnNQUR37Pr3b0JqbZ7dbBy/dO2R+yt0iwBVmZ/ZkySwSVs15hcOZZpkC98fSnDldJQ==';

describe('signatures', () => {
  it('matches a known SHA-1 of the sorted [token, timestamp, nonce] (and with Encrypt)', () => {
    expect(wechatSignature([TOKEN, '1409304348', 'xxxxxx'])).toBe('30d7c91db269b3e0cb3e1a131646b6d1ae4750f5');
    expect(wechatSignature([TOKEN, '1409304348', 'xxxxxx', ENCRYPTED])).toBe(
      'cb2f56a43ec30f109e6f68961818a77e33331dd0',
    );
  });

  it('accepts only the exact signature (upper-case hex too), rejects wrong, short and missing ones', () => {
    const parts = [TOKEN, '1409304348', 'xxxxxx'];
    expect(isValidSignature(parts, '30d7c91db269b3e0cb3e1a131646b6d1ae4750f5')).toBe(true);
    expect(isValidSignature(parts, '30D7C91DB269B3E0CB3E1A131646B6D1AE4750F5')).toBe(true);
    expect(isValidSignature(parts, '30d7c91db269b3e0cb3e1a131646b6d1ae4750f4')).toBe(false);
    expect(isValidSignature(parts, '30d7c91db269')).toBe(false);
    expect(isValidSignature(parts, undefined)).toBe(false);
    expect(
      isValidSignature([TOKEN, '1409304349', 'xxxxxx'], '30d7c91db269b3e0cb3e1a131646b6d1ae4750f5'),
    ).toBe(false);
  });
});

describe('safe-mode AES (fact 3)', () => {
  const key = decodeEncodingAesKey(ENCODING_AES_KEY);

  it('derives the 32-byte key from the 43-character EncodingAESKey', () => {
    expect(key.toString('hex')).toBe(KEY_HEX);
    expect(() => decodeEncodingAesKey('short')).toThrow();
  });

  it('encrypts to the known ciphertext and decrypts it back to the XML', () => {
    expect(encryptMessage(XML, key, APP_ID, RANDOM)).toBe(ENCRYPTED);
    expect(decryptMessage(ENCRYPTED, key, APP_ID)).toEqual({ ok: true, xml: XML });
  });

  it('round-trips with random prefixes (different ciphertexts, same XML)', () => {
    const a = encryptMessage(XML, key, APP_ID);
    const b = encryptMessage(XML, key, APP_ID);
    expect(a).not.toBe(b);
    expect(decryptMessage(a, key, APP_ID)).toEqual({ ok: true, xml: XML });
    expect(decryptMessage(b, key, APP_ID)).toEqual({ ok: true, xml: XML });
  });

  it('rejects a message for another AppID', () => {
    const foreign = encryptMessage(XML, key, 'wxffffffffffffffff');
    expect(decryptMessage(foreign, key, APP_ID)).toEqual({ ok: false, reason: 'app_id_mismatch' });
  });

  it('detects tampering: msg_signature changes with any byte, and a broken tail fails to decrypt', () => {
    const bytes = Buffer.from(ENCRYPTED, 'base64');
    const signature = wechatSignature([TOKEN, '1409304348', 'xxxxxx', ENCRYPTED]);
    for (const at of [0, 40, bytes.length - 1]) {
      const tampered = Buffer.from(bytes);
      tampered[at]! ^= 0x01;
      const text = tampered.toString('base64');
      expect(isValidSignature([TOKEN, '1409304348', 'xxxxxx', text], signature)).toBe(false);
      // Without the signature check, CBC alone does not authenticate: the tail block is what
      // decryption can catch (padding / AppID / length).
      if (at === bytes.length - 1) expect(decryptMessage(text, key, APP_ID).ok).toBe(false);
    }
    expect(decryptMessage(bytes.subarray(0, 48).toString('base64'), key, APP_ID).ok).toBe(false);
    expect(decryptMessage('not base64!', key, APP_ID)).toEqual({ ok: false, reason: 'malformed' });
    expect(decryptMessage(bytes.subarray(0, 20).toString('base64'), key, APP_ID)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('pads PKCS#7 to 32-byte blocks (a full block when already aligned) and refuses bad padding', () => {
    const aligned = pkcs7Pad(Buffer.alloc(32, 1));
    expect(aligned.length).toBe(64);
    expect([...aligned.subarray(32)]).toEqual(Array(32).fill(32));
    const odd = pkcs7Pad(Buffer.alloc(141, 1));
    expect(odd.length).toBe(160);
    expect([...odd.subarray(141)]).toEqual(Array(19).fill(19));
    expect(pkcs7Unpad(odd)?.length).toBe(141);
    expect(pkcs7Unpad(Buffer.concat([Buffer.alloc(31, 1), Buffer.from([0])]))).toBeNull();
    expect(pkcs7Unpad(Buffer.concat([Buffer.alloc(31, 1), Buffer.from([33])]))).toBeNull();
    expect(pkcs7Unpad(Buffer.concat([Buffer.alloc(29, 1), Buffer.from([2, 3, 3])]))).toBeNull();
  });
});

describe('passive replies (fact 11)', () => {
  const at = new Date('2026-01-01T00:00:05.750Z');

  it('swap To and From, use integer seconds, keep CDATA safe and cut content to 2048 bytes', () => {
    const xml = renderPassiveText({
      toUser: 'oMEMBER_openid_001',
      fromAccount: 'gh_0a1b2c3d4e5f',
      content: '您好]]>第二行\n1,234 积分',
      at,
    });
    const fields = readXmlFields(xml);
    expect(fields).toEqual({
      ok: true,
      fields: {
        ToUserName: 'oMEMBER_openid_001',
        FromUserName: 'gh_0a1b2c3d4e5f',
        CreateTime: '1767225605',
        MsgType: 'text',
        Content: '您好]]>第二行\n1,234 积分',
      },
    });
    const long = renderPassiveText({ toUser: 'o1', fromAccount: 'gh_1', content: '积'.repeat(1000), at });
    const content = (readXmlFields(long) as unknown as { fields: { Content: string } }).fields.Content;
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(2048);
  });

  it('in safe mode are sealed as <Encrypt/><MsgSignature/><TimeStamp/><Nonce/> that open to the reply', () => {
    const key = decodeEncodingAesKey(ENCODING_AES_KEY);
    const reply = renderPassiveText({
      toUser: 'oMEMBER_openid_001',
      fromAccount: 'gh_0a1b2c3d4e5f',
      content: '查积分：1,234',
      at,
    });
    const sealed = sealReply(reply, {
      token: TOKEN,
      key,
      appId: APP_ID,
      timestamp: '1767225605',
      nonce: 'n0nce42',
    });
    expect(sealed).toMatch(
      /^<xml><Encrypt><!\[CDATA\[[A-Za-z0-9+/=]+\]\]><\/Encrypt><MsgSignature><!\[CDATA\[[0-9a-f]{40}\]\]><\/MsgSignature><TimeStamp>1767225605<\/TimeStamp><Nonce><!\[CDATA\[n0nce42\]\]><\/Nonce><\/xml>$/,
    );
    const read = readXmlFields(sealed);
    if (!read.ok) throw new Error(read.detail);
    const { Encrypt, MsgSignature, TimeStamp, Nonce } = read.fields as Record<string, string>;
    expect(isValidSignature([TOKEN, TimeStamp!, Nonce!, Encrypt!], MsgSignature)).toBe(true);
    expect(decryptMessage(Encrypt!, key, APP_ID)).toEqual({ ok: true, xml: reply });
  });
});
