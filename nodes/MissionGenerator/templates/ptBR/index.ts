import { PT_BR_BEGINNER } from './beginner';
import { PT_BR_INTERMEDIATE } from './intermediate';
import { PT_BR_ADVANCED } from './advanced';
import type { MissionTemplate } from '../types';

// Built-in Brazilian Portuguese missions. Amounts for save_amount are in reais (R$).
// Keys are stable identifiers that callers may store: add new missions, never rename a shipped key.
export const PT_BR_TEMPLATES: readonly MissionTemplate[] = [...PT_BR_BEGINNER, ...PT_BR_INTERMEDIATE, ...PT_BR_ADVANCED];
