import type { EffectResults } from '../../conversation/effect';
import type { MemberRecord } from '../../data/models/member-model';
import type { Services } from '../services';

/** The member's home store (the program's first store for people not yet members), as told in the chat. */
export async function storeContact(
  services: Services,
  memberId: string | null,
): Promise<EffectResults['load_store_contact'] & { id: string }> {
  const stores = services.program.current().stores;
  const member = memberId
    ? await services.db.members
        .findById(memberId, { homeStoreId: 1 })
        .lean<Pick<MemberRecord, 'homeStoreId'>>()
    : null;
  const store = stores.find((candidate) => candidate.id === member?.homeStoreId) ?? stores[0]!;
  return {
    id: store.id,
    name: store.name,
    phone: store.phone ?? null,
    hours: store.hours ?? null,
    address: store.address ?? null,
  };
}
