import { PT_BR_ADVANCED } from './ptBR/advanced';
import { PT_BR_BEGINNER } from './ptBR/beginner';
import { PT_BR_INTERMEDIATE } from './ptBR/intermediate';
import type { MissionTemplate } from './types';

// Built-in Brazilian Portuguese missions. Amounts for save_amount are in reais (R$).
// Keys are stable identifiers that callers may store: add new missions, never rename a shipped key.
// One file per tier keeps each under the house's 300 lines; the order is the tiers' order.
export const PT_BR_TEMPLATES: readonly MissionTemplate[] = [...PT_BR_BEGINNER, ...PT_BR_INTERMEDIATE, ...PT_BR_ADVANCED];
