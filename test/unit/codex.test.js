'use strict';

// Every node of the package must be findable in n8n's node panel by its name and by "gemini".
// n8n 2.41.1's node creator leaves nodes whose codex categories include "AI" out of the regular
// ("What happens next?") search unless codex.subcategories.AI includes "Root Nodes", and it
// searches only the display name and codex.alias. So: an "AI" node lists "Root Nodes", and
// every node has the alias "Gemini". test/e2e/editor.test.js checks the result in a real editor.
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const pkg = require(path.join(ROOT, 'package.json'));

const nodes = pkg.n8n.nodes.map((distFile) => {
	const source = path.join(ROOT, distFile.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
	return { source, codexFile: source.replace(/\.ts$/, '.json') };
});

test.each(nodes.map((n) => [path.basename(n.source), n]))('%s: codex makes it findable by name and "gemini"', (_name, { codexFile }) => {
	expect(fs.existsSync(codexFile)).toBe(true);
	const codex = JSON.parse(fs.readFileSync(codexFile, 'utf8'));
	expect(codex.node).toMatch(new RegExp(`^${pkg.name}\\.`));
	if (codex.categories.includes('AI')) expect(codex.subcategories?.AI ?? []).toContain('Root Nodes');
	expect(codex.alias).toContain('Gemini');
	expect(codex.resources.primaryDocumentation[0].url).toMatch(/#[a-z0-9-]+$/);
});
