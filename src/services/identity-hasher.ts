import { createHmac, randomBytes } from 'node:crypto';
import { isDuplicateKeyError } from '../data/duplicate-key';
import type { SettingRecord } from '../data/models/setting-model';
import type { ServiceContext } from './service-context';

export type IdentityKind = 'mobile' | 'openid';

const SALT_SETTING = 'identity-hash-salt';

/**
 * Salted SHA-256 (HMAC) of identities, so the system can remember that a mobile number or openid
 * once belonged to a member — and recognise an open of a referral link — without keeping the
 * number (PIPL). The salt is generated once per installation, stored in `settings`, and shared by
 * every process; without it a hash of an 11-digit number could be reversed by trying them all.
 */
export class IdentityHasher {
  private salt: Promise<string> | null = null;

  constructor(private readonly ctx: ServiceContext) {}

  async hash(kind: IdentityKind, value: string): Promise<string> {
    const salt = await this.loadSalt();
    return createHmac('sha256', salt).update(`${kind}:${value}`).digest('hex');
  }

  /** Hashes of the identities given (mobile first), skipping absent ones. */
  async keysOf(identity: { mobile?: string | null; openid?: string | null }): Promise<string[]> {
    const keys: string[] = [];
    if (identity.mobile) keys.push(await this.hash('mobile', identity.mobile));
    if (identity.openid) keys.push(await this.hash('openid', identity.openid));
    return keys;
  }

  /** Whether any member, current or erased, ever had this identity. */
  async wasMember(kind: IdentityKind, value: string | null | undefined): Promise<boolean> {
    if (!value) return false;
    return (
      (await this.ctx.db.membership.identityHashes.exists({ _id: await this.hash(kind, value) })) !== null
    );
  }

  /** Records that a member has this identity (idempotent). */
  async remember(kind: IdentityKind, value: string | null | undefined, at: Date): Promise<void> {
    if (!value) return;
    const _id = await this.hash(kind, value);
    await this.ctx.db.membership.identityHashes.updateOne(
      { _id },
      { $setOnInsert: { kind, firstSeenAt: at } },
      { upsert: true },
    );
  }

  /** Generates the salt on first use in the installation (every process then reads the same one). */
  loadSalt(): Promise<string> {
    this.salt ??= this.readOrCreateSalt().catch((err) => {
      this.salt = null;
      throw err;
    });
    return this.salt;
  }

  private async readOrCreateSalt(): Promise<string> {
    const { settings } = this.ctx.db.membership;
    const existing = await settings.findById(SALT_SETTING).lean<SettingRecord>();
    if (existing) return existing.value;
    try {
      await settings.create({
        _id: SALT_SETTING,
        value: randomBytes(32).toString('hex'),
        createdAt: this.ctx.clock(),
      });
    } catch (err) {
      // Another process created it first; theirs is the one.
      if (!isDuplicateKeyError(err)) throw err;
    }
    const stored = await settings.findById(SALT_SETTING).lean<SettingRecord>();
    if (!stored) throw new Error('identity salt could not be stored');
    return stored.value;
  }
}
