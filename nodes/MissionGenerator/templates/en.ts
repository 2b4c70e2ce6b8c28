import { EN_ADVANCED } from './en/advanced';
import { EN_BEGINNER } from './en/beginner';
import { EN_INTERMEDIATE } from './en/intermediate';
import type { MissionTemplate } from './types';

// Built-in English missions, written for English speakers rather than translated line by line.
// save_amount targets are plain numbers because the currency depends on the user's account.
// One file per tier keeps each under the house's 300 lines; the order is the tiers' order.
export const EN_TEMPLATES: readonly MissionTemplate[] = [...EN_BEGINNER, ...EN_INTERMEDIATE, ...EN_ADVANCED];
