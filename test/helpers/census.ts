/**
 * The registry of the census tests (Piemonte 2025): a nido in Asti («Nido Stella») and one in Bra
 * («Nido Bra»), both authorised in 2019, saved through the office store's own API.
 */
import type { OfficeStore } from '../../office/storage/store.ts';

export async function saveCensusNidi(store: OfficeStore): Promise<{ stella: string; bra: string }> {
  const save = async (name: string, comune: string) =>
    (
      await store.saveService({
        name,
        type: 'nido',
        comune,
        address: `Via ${name} 1`,
        capacity: 30,
        kitchen: true,
        authorizationIssuedOn: '2019-09-01',
      })
    ).id;
  return { stella: await save('Nido Stella', 'Asti'), bra: await save('Nido Bra', 'Bra') };
}
