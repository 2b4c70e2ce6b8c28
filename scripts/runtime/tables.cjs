'use strict';
// Upgrading the Data tables of an n8n the workflows were imported into earlier: a column added
// to a table since (e.g. `costUsd` on gemini_ops_issues and gemini_ops_script_jobs) is added to
// the existing table. *Job tables and restarts* (missions-jobs.json) creates a missing table, but
// n8n's Data table node has no "add column" operation (n8n 2.41.1: table create / list / update /
// delete / clear only) and its "Create If Not Exists" returns an existing table unchanged; a row
// written with a column the table lacks fails with n8n's "unknown column name 'costUsd'".
// So this goes through n8n's public API (X-N8N-API-KEY; GET/POST /api/v1/data-tables,
// GET/POST /api/v1/data-tables/{id}/columns; n8n 2.41.1's public-api/v1/openapi.yml).
const { JOB_TABLE, ISSUE_TABLE, REPLY_TABLE, CRITICAL_CLAIM_TABLE, SCRIPT_JOB_TABLE, SCRIPT_CACHE_TABLE } = require('./constants.cjs');

const SHIPPED_TABLES = [JOB_TABLE, ISSUE_TABLE, REPLY_TABLE, CRITICAL_CLAIM_TABLE, SCRIPT_JOB_TABLE, SCRIPT_CACHE_TABLE];
const API_TIMEOUT_MS = 30_000;

/** n8n's public API under `${baseUrl}/api/v1` with an API key (never printed). */
function publicApi(baseUrl, apiKey) {
	const root = `${baseUrl.replace(/\/+$/, '')}/api/v1`;
	return async (method, route, body) => {
		const res = await fetch(`${root}${route}`, {
			method,
			headers: { 'X-N8N-API-KEY': apiKey, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
			body: body ? JSON.stringify(body) : undefined,
			signal: AbortSignal.timeout(API_TIMEOUT_MS),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`n8n public API ${method} ${route}: HTTP ${res.status} ${text.slice(0, 300)}`);
		return text ? JSON.parse(text) : undefined;
	};
}

/**
 * Adds the columns each shipped table lacks, in every project that has a table of that name, and
 * creates a shipped table found nowhere (in the key owner's personal project: *Job tables and
 * restarts* does not create `gemini_ops_critical_replies`). Never changes or removes a column; a
 * column whose type differs from the shipped one is reported, not touched.
 * @returns {Promise<{added: string[], created: string[], typeMismatches: string[]}>}
 */
async function upgradeTables({ baseUrl, apiKey, tables = SHIPPED_TABLES, log = () => {} }) {
	const api = publicApi(baseUrl, apiKey);
	const added = [];
	const created = [];
	const typeMismatches = [];
	for (const table of tables) {
		const listed = await api('GET', `/data-tables?limit=250&filter=${encodeURIComponent(JSON.stringify({ name: table.name }))}`);
		const found = (listed?.data || []).filter((t) => t.name === table.name);
		if (found.length === 0) {
			await api('POST', '/data-tables', { name: table.name, columns: table.columns.map(({ name, type }) => ({ name, type })) });
			created.push(table.name);
			log(`${table.name}: created (it was nowhere)`);
			continue;
		}
		for (const existing of found) {
			const have = new Map((await api('GET', `/data-tables/${existing.id}/columns`)).map((c) => [c.name, c.type]));
			for (const column of table.columns) {
				if (!have.has(column.name)) {
					await api('POST', `/data-tables/${existing.id}/columns`, { name: column.name, type: column.type });
					added.push(`${table.name}.${column.name}`);
					log(`${table.name} (${existing.id}): added column ${column.name} (${column.type})`);
				} else if (have.get(column.name) !== column.type) {
					typeMismatches.push(`${table.name}.${column.name}`);
					log(`${table.name} (${existing.id}): column ${column.name} is ${have.get(column.name)}, the workflows write ${column.type}; left as it is`);
				}
			}
		}
	}
	if (added.length === 0 && created.length === 0) log('every table and column is there; nothing to add');
	return { added, created, typeMismatches };
}

module.exports = { upgradeTables, SHIPPED_TABLES };
