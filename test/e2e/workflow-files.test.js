'use strict';
// The shipped workflow files, read as an importing user gets them: real node types, credentials
// referenced by name only, no instance or credential ids, no secrets, the job table referenced
// by name with columns the runtime creates, and a sticky note that explains every node.
const fs = require('node:fs');
const path = require('node:path');

const runtime = require('../../scripts/n8n-runtime.cjs');
const { codeNodesOnWaitingPaths } = require('../support/waitingPaths');
const { programsInExpressions, MAX_EXPRESSION_CHARS } = require('../support/expressions');

const files = runtime.listWorkflowFiles();
const workflows = files.map((file) => ({ file: path.basename(file), json: JSON.parse(fs.readFileSync(file, 'utf8')) }));
const OUR_NODE_TYPES = fs
	.readdirSync(path.join(runtime.REPO_ROOT, 'nodes'))
	.filter((dir) => fs.existsSync(path.join(runtime.REPO_ROOT, 'nodes', dir, `${dir}.node.ts`)))
	.map((dir) => `${runtime.PACKAGE_NAME}.${dir.charAt(0).toLowerCase()}${dir.slice(1)}`);
const CREDENTIAL_NAMES = Object.fromEntries(Object.values(runtime.CREDENTIALS).map((c) => [c.type, c.name]));
const TABLES = [runtime.JOB_TABLE, runtime.ISSUE_TABLE, runtime.REPLY_TABLE, runtime.CRITICAL_CLAIM_TABLE, runtime.SCRIPT_JOB_TABLE, runtime.SCRIPT_CACHE_TABLE].filter(Boolean);
const COLUMNS_BY_TABLE = Object.fromEntries(TABLES.map((t) => [t.name, new Set(t.columns.map((c) => c.name))]));
// Webhooks that check the secret themselves (a private token, or the dashboard asking its data webhook).
const SELF_CHECKED_PATHS = ['missions/progress', 'issues/dashboard'];
// Opened from a plain browser: the batch's private token in the query is the key, never the shared secret.
const TOKEN_GUARDED_PATHS = ['scripts/progress', 'scripts/audio', 'scripts/download'];
const SECRET_PATTERNS = [/AIza[0-9A-Za-z_-]{20,}/, /"apiKey"\s*:\s*"[^"]+"/i, /"password"\s*:/i, /x-webhook-secret"\s*:\s*"[^"]+"/i];

test('there are mission workflows to ship', () => {
	expect(workflows.map((w) => w.file)).toEqual(
		expect.arrayContaining(['missions-generate.json', 'missions-status.json', 'missions-progress.json', 'missions-jobs.json']),
	);
});

describe.each(workflows)('$file', ({ file, json }) => {
	const working = json.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote');
	const notes = json.nodes.filter((n) => n.type === 'n8n-nodes-base.stickyNote').map((n) => n.parameters.content);

	test('carries no workflow, instance or credential ids and no secrets', () => {
		expect(json.id).toBeUndefined();
		expect(json.meta?.instanceId).toBeUndefined();
		expect(json.versionId).toBeUndefined();
		const text = JSON.stringify(json);
		for (const pattern of SECRET_PATTERNS) expect(text).not.toMatch(pattern);
		for (const node of working) {
			for (const [type, ref] of Object.entries(node.credentials || {})) {
				expect(ref).toEqual({ id: '', name: CREDENTIAL_NAMES[type] });
			}
		}
	});

	test('uses real node types: n8n built-ins or this package', () => {
		for (const node of working) {
			expect(node.type.startsWith('n8n-nodes-base.') || OUR_NODE_TYPES.includes(node.type)).toBe(true);
		}
	});

	test('has a sticky note that explains every node, by name', () => {
		const explained = notes.join('\n');
		for (const node of working) expect(explained).toContain(`**${node.name}**`);
	});

	test('reads and writes Data tables the runtime creates, by name, using their columns', () => {
		for (const node of working.filter((n) => n.type === 'n8n-nodes-base.dataTable' && n.parameters.resource === 'row')) {
			const { dataTableId } = node.parameters;
			expect(dataTableId).toMatchObject({ __rl: true, mode: 'name' });
			const columnNames = COLUMNS_BY_TABLE[dataTableId.value];
			expect(columnNames).toBeDefined();
			const written = Object.keys(node.parameters.columns?.value || {});
			const filtered = (node.parameters.filters?.conditions || []).map((c) => c.keyName);
			for (const column of [...written, ...filtered]) {
				expect(columnNames.has(column) || ['id', 'createdAt', 'updatedAt'].includes(column)).toBe(true);
			}
		}
	});

	test('a table it creates has exactly the columns the runtime creates', () => {
		for (const node of working.filter((n) => n.type === 'n8n-nodes-base.dataTable' && n.parameters.resource === 'table')) {
			const table = TABLES.find((t) => t.name === node.parameters.tableName);
			expect(table).toBeDefined();
			expect(node.parameters).toMatchObject({ operation: 'create', options: { createIfNotExists: true } });
			expect(node.parameters.columns.column).toEqual(table.columns);
		}
	});

	test(`holds no program in an expression: none over ${MAX_EXPRESSION_CHARS} characters, none defining a function`, () => {
		expect(programsInExpressions(json)).toEqual([]);
	});

	test('no Code node runs on a path where a caller waits for the answer', () => {
		expect(codeNodesOnWaitingPaths(json)).toEqual([]);
	});

	test('starts from a trigger; webhooks have ids and the public ones need the secret header', () => {
		expect(working.some((n) => /trigger$|\.webhook$/i.test(n.type))).toBe(true);
		const hooks = working.filter((n) => n.type === 'n8n-nodes-base.webhook');
		for (const hook of hooks) {
			expect(hook.webhookId).toMatch(/^[0-9a-f-]{36}$/);
			if (![...SELF_CHECKED_PATHS, ...TOKEN_GUARDED_PATHS].includes(hook.parameters.path)) expect(hook.parameters.authentication).toBe('headerAuth');
		}
	});
});

test('webhook paths and ids are unique across the workflows', () => {
	const hooks = workflows.flatMap((w) => w.json.nodes.filter((n) => n.type === 'n8n-nodes-base.webhook'));
	expect(new Set(hooks.map((h) => `${h.parameters.httpMethod} ${h.parameters.path}`)).size).toBe(hooks.length);
	expect(new Set(hooks.map((h) => h.webhookId)).size).toBe(hooks.length);
});

describe('the expression check itself', () => {
	const wrap = (parameters, type = 'n8n-nodes-base.set') => ({ nodes: [{ name: 'Probe', type, parameters }] });

	test.each([
		['an arrow function', '={{ $json.rows.map((r) => r.id) }}', 'arrow function'],
		['a function keyword', '={{ [1].map(function (x) { return x; }) }}', 'function keyword'],
		['a self-invoking function', '={{ (() => 1)() }}', 'arrow function, self-invoking function'],
		['an expression over the limit', `={{ '${'x'.repeat(MAX_EXPRESSION_CHARS)}' }}`, 'long expression'],
		['an HTML page pasted as a literal', `<!doctype html>${'<p>x</p>'.repeat(60)}`, 'long literal'],
	])('finds %s', (_what, value, reason) => {
		expect(programsInExpressions(wrap({ a: { b: [value] } }))).toEqual([{ node: 'Probe', path: 'a.b[0]', chars: value.length, reason }]);
	});

	test('lets short expressions, JMESPath queries, regular expressions and sticky notes be', () => {
		const fine = [
			"={{ $('Find the batch').all().pluck('json') }}",
			"={{ $jmespath($('Find unfinished jobs').all(), '[?json.batchId]').length > 0 }}",
			"={{ $json.webhookUrl.replace(/\\/[^/]+$/, '') }}",
			'={{ $json.count >= 1 }}',
		];
		expect(programsInExpressions(wrap({ fine }))).toEqual([]);
		expect(programsInExpressions(wrap({ content: '='.repeat(5000) }, 'n8n-nodes-base.stickyNote'))).toEqual([]);
	});
});

describe('the waiting-path check itself', () => {
	const shipped = JSON.parse(fs.readFileSync(path.join(runtime.WORKFLOWS_DIR, 'missions-generate.json'), 'utf8'));
	const CODE = { name: 'Inline code', type: 'n8n-nodes-base.code', parameters: { jsCode: 'return $input.all();' } };

	/** Puts a node between `from` and what `from` fed on its first output. */
	function insertAfter(workflow, from, node) {
		const copy = JSON.parse(JSON.stringify(workflow));
		copy.nodes.push(node);
		const out = copy.connections[from].main[0];
		copy.connections[from].main[0] = [{ node: node.name, type: 'main', index: 0 }];
		copy.connections[node.name] = { main: [out] };
		return copy;
	}

	test('finds a Code node between the webhook and its reply', () => {
		const hooked = insertAfter(shipped, 'POST /missions/generate', CODE);
		expect(codeNodesOnWaitingPaths(hooked)).toEqual([{ webhook: 'POST /missions/generate', node: 'Inline code' }]);
	});

	test('lets a Code node be where nobody waits (after the 202)', () => {
		const hooked = insertAfter(shipped, 'Summarise the result', CODE);
		expect(codeNodesOnWaitingPaths(hooked)).toEqual([]);
	});

	test('with "respond when the last node finishes" every node after the webhook is on the waiting path', () => {
		const lastNode = insertAfter(shipped, 'Summarise the result', CODE);
		lastNode.nodes.find((n) => n.type === 'n8n-nodes-base.webhook').parameters.responseMode = 'lastNode';
		expect(codeNodesOnWaitingPaths(lastNode)).toContainEqual({ webhook: 'POST /missions/generate', node: 'Inline code' });
	});
});
