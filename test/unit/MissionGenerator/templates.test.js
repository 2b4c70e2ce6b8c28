const { BUILT_IN_TEMPLATES, SUPPORTED_TEMPLATE_LOCALES, MISSION_TIERS, MISSION_THEMES, MISSION_TYPES, XP_RANGE_BY_TIER } = require('../../../nodes/MissionGenerator/templates');
const { characterSimilarity } = require('../../../nodes/shared/text/similarity');

const { TITLE_LENGTH, DESCRIPTION_LENGTH } = require('../../../nodes/MissionGenerator/engine/validate');
const { DEFAULT_THRESHOLDS } = require('../../../nodes/MissionGenerator/engine/duplicates');
const { missionGeneratorProperties } = require('../../../nodes/MissionGenerator/description');

// Limits come from the code, not restated here:
// - a request with the default Number of Missions is served from templates alone;
// - it can take the same share from every theme;
// - titles of one tier are not near-duplicates by the node's own measure;
// - every template passes the length checks the node applies to AI missions.
const DEFAULT_COUNT = missionGeneratorProperties.find((p) => p.name === 'count').default;
const MIN_PER_TIER = DEFAULT_COUNT;
const MIN_PER_THEME_PER_TIER = Math.ceil(DEFAULT_COUNT / MISSION_THEMES.length);
const MAX_TITLE_SIMILARITY = DEFAULT_THRESHOLDS.titleHigh;

// Same measure the node uses for titles: edit distance on case- and accent-folded text.
const similarity = characterSimilarity;

function instantiate(text, target) {
	return text.split('{target}').join(String(target));
}

describe('similarity helper', () => {
	it('measures edit distance and ignores case and accents', () => {
		expect(similarity('kitten', 'sitting')).toBeCloseTo(1 - 3 / 7, 10);
		expect(similarity('Orçamento', 'ORCAMENTO')).toBe(1);
		expect(similarity('Seu Primeiro Orçamento', 'Meu Primeiro Orçamento')).toBeGreaterThanOrEqual(
			MAX_TITLE_SIMILARITY,
		);
		expect(similarity('Detetive de Gastos', 'Fundo de Emergência')).toBeLessThan(MAX_TITLE_SIMILARITY);
	});
});

describe('built-in mission templates', () => {
	it('covers exactly the supported locales', () => {
		expect(Object.keys(BUILT_IN_TEMPLATES).sort()).toEqual([...SUPPORTED_TEMPLATE_LOCALES].sort());
	});

	it('uses keys that are unique across the whole library', () => {
		const keys = Object.values(BUILT_IN_TEMPLATES)
			.flat()
			.map((template) => template.key);
		const duplicates = keys.filter((key, index) => keys.indexOf(key) !== index);
		expect(duplicates).toEqual([]);
	});

	describe.each(SUPPORTED_TEMPLATE_LOCALES)('%s', (locale) => {
		const templates = BUILT_IN_TEMPLATES[locale];

		it.each(MISSION_TIERS)(`has at least ${MIN_PER_TIER} %s templates`, (tier) => {
			expect(templates.filter((t) => t.tier === tier).length).toBeGreaterThanOrEqual(MIN_PER_TIER);
		});

		it.each(MISSION_TIERS)('covers every theme in %s', (tier) => {
			for (const theme of MISSION_THEMES) {
				const count = templates.filter((t) => t.tier === tier && t.theme === theme).length;
				expect({ theme, enough: count >= MIN_PER_THEME_PER_TIER }).toEqual({ theme, enough: true });
			}
		});

		it('uses only known tiers, themes and types', () => {
			for (const t of templates) {
				expect(MISSION_TIERS).toContain(t.tier);
				expect(MISSION_THEMES).toContain(t.theme);
				expect(MISSION_TYPES).toContain(t.type);
			}
		});

		it('builds keys as locale:tier:theme:slug', () => {
			for (const t of templates) {
				expect(t.key).toMatch(
					new RegExp(`^${locale}:${t.tier.toLowerCase()}:${t.theme}:[a-z0-9]+(-[a-z0-9]+)*$`),
				);
			}
		});

		it('puts {target} in every description and no other placeholder anywhere', () => {
			for (const t of templates) {
				expect({ key: t.key, hasTarget: t.description.includes('{target}') }).toEqual({
					key: t.key,
					hasTarget: true,
				});
				const leftovers = `${instantiate(t.title, 1)} ${instantiate(t.description, 1)}`.match(/[{}]/g);
				expect({ key: t.key, leftovers }).toEqual({ key: t.key, leftovers: null });
			}
		});

		it('has valid target ranges and XP inside the tier range', () => {
			for (const t of templates) {
				const [targetMin, targetMax] = t.targetRange;
				const [xpMin, xpMax] = t.xpRange;
				const tierXp = XP_RANGE_BY_TIER[t.tier];
				const problems = [];
				if (!Number.isInteger(targetMin) || !Number.isInteger(targetMax)) problems.push('target not integer');
				if (targetMin < 1 || targetMin > targetMax) problems.push('bad target range');
				if (!Number.isInteger(xpMin) || !Number.isInteger(xpMax)) problems.push('xp not integer');
				if (xpMin > xpMax) problems.push('bad xp range');
				if (xpMin < tierXp.min || xpMax > tierXp.max) problems.push('xp outside tier');
				if (t.type === 'reduce_spending' || t.type === 'goal_progress') {
					if (targetMax > 100) problems.push('percentage above 100');
				}
				expect({ key: t.key, problems }).toEqual({ key: t.key, problems: [] });
			}
		});

		it('keeps titles and descriptions within length limits at both ends of the range', () => {
			for (const t of templates) {
				for (const target of t.targetRange) {
					const title = instantiate(t.title, target);
					const description = instantiate(t.description, target);
					const problems = [];
					if (title.length < TITLE_LENGTH.min || title.length > TITLE_LENGTH.max) {
						problems.push(`title length ${title.length}`);
					}
					if (description.length < DESCRIPTION_LENGTH.min || description.length > DESCRIPTION_LENGTH.max) {
						problems.push(`description length ${description.length}`);
					}
					expect({ key: t.key, target, problems }).toEqual({ key: t.key, target, problems: [] });
				}
			}
		});

		it.each(MISSION_TIERS)('has no near-duplicate titles in %s', (tier) => {
			const titles = templates.filter((t) => t.tier === tier).map((t) => t.title);
			const tooSimilar = [];
			for (let i = 0; i < titles.length; i++) {
				for (let j = i + 1; j < titles.length; j++) {
					const score = similarity(titles[i], titles[j]);
					if (score >= MAX_TITLE_SIMILARITY) tooSimilar.push([titles[i], titles[j], score]);
				}
			}
			expect(tooSimilar).toEqual([]);
		});

		it('raises the typical target of each mission type from tier to tier', () => {
			const midpoint = (t) => (t.targetRange[0] + t.targetRange[1]) / 2;
			const average = (list) => list.reduce((sum, t) => sum + midpoint(t), 0) / list.length;
			for (const type of MISSION_TYPES) {
				const averages = MISSION_TIERS.map((tier) =>
					templates.filter((t) => t.tier === tier && t.type === type),
				)
					.filter((list) => list.length > 0)
					.map(average);
				const sorted = [...averages].sort((a, b) => a - b);
				expect({ type, averages }).toEqual({ type, averages: sorted });
			}
		});
	});
});
