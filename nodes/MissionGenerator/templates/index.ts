import { EN_TEMPLATES } from './en/index';
import { PT_BR_TEMPLATES } from './ptBR/index';
import type { TemplateLibrary } from './types';

export * from './types';
export { EN_TEMPLATES, PT_BR_TEMPLATES };

/** Locales that ship with built-in missions; keys of BUILT_IN_TEMPLATES. */
export const SUPPORTED_TEMPLATE_LOCALES = ['pt-BR', 'en'] as const;
export type TemplateLocale = (typeof SUPPORTED_TEMPLATE_LOCALES)[number];

export const BUILT_IN_TEMPLATES: TemplateLibrary = {
	'pt-BR': PT_BR_TEMPLATES,
	en: EN_TEMPLATES,
};
