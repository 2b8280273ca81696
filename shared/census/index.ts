/** The census campaigns the office knows, by id (each checked against the schema at load). */
import { Campaign } from './campaign.ts';
import { PIEMONTE_2025 } from './piemonte-2025.ts';

export const CAMPAIGNS: ReadonlyMap<string, Campaign> = new Map([PIEMONTE_2025].map((c) => [c.id!, Campaign.parse(c)]));

export function getCampaign(id: string): Campaign | undefined {
  return CAMPAIGNS.get(id);
}

export * from './campaign.ts';
export * from './sheets.ts';
