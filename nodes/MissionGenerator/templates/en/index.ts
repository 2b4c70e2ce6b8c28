import { EN_BEGINNER } from './beginner';
import { EN_INTERMEDIATE } from './intermediate';
import { EN_ADVANCED } from './advanced';
import type { MissionTemplate } from '../types';

// Built-in English missions, written for English speakers rather than translated line by line.
// save_amount targets are plain numbers because the currency depends on the user's account.
export const EN_TEMPLATES: readonly MissionTemplate[] = [...EN_BEGINNER, ...EN_INTERMEDIATE, ...EN_ADVANCED];
