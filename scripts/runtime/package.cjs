'use strict';
// The package under test (build, `npm pack`) and the workflows as an instance imports them.
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { REPO_ROOT, WORKFLOWS_DIR } = require('./constants.cjs');
const { defaultLog } = require('./process.cjs');

/** Newest modification time under the given roots (files only). */
function newestMtime(roots) {
	let newest = 0;
	const visit = (p) => {
		let stat;
		try {
			stat = fs.statSync(p);
		} catch {
			return;
		}
		if (stat.isDirectory()) for (const entry of fs.readdirSync(p)) visit(path.join(p, entry));
		else newest = Math.max(newest, stat.mtimeMs);
	};
	roots.forEach(visit);
	return newest;
}

/** True when dist/ is missing or older than any source that goes into it. */
function buildIsStale() {
	const dist = path.join(REPO_ROOT, 'dist');
	if (!fs.existsSync(path.join(dist, 'nodes'))) return true;
	const sources = ['nodes', 'credentials', 'icons', 'workflows', 'package.json', 'tsconfig.json', 'gulpfile.js'];
	return newestMtime(sources.map((s) => path.join(REPO_ROOT, s))) > newestMtime([dist]);
}

function buildPackage({ log = defaultLog, force = false } = {}) {
	if (!force && !buildIsStale()) {
		log('  dist/ is up to date');
		return;
	}
	const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, encoding: 'utf8' });
	if (result.status !== 0) throw new Error(`npm run build failed:\n${result.stdout}\n${result.stderr}`);
}

/** `npm pack` into destDir; returns the tarball path. */
function packPackage(destDir) {
	fs.mkdirSync(destDir, { recursive: true });
	const result = spawnSync('npm', ['pack', '--json', '--pack-destination', destDir], {
		cwd: REPO_ROOT,
		encoding: 'utf8',
		env: { ...process.env, npm_config_loglevel: 'error' },
	});
	if (result.status !== 0) throw new Error(`npm pack failed:\n${result.stderr}`);
	const [info] = JSON.parse(result.stdout);
	return path.join(destDir, info.filename);
}

/** Stable 16-character workflow id derived from the file name, so re-imports update in place. */
function workflowIdFor(file) {
	return crypto.createHash('sha256').update(`gemini-ops:${path.basename(file)}`).digest('hex').slice(0, 16);
}

function listWorkflowFiles(dir = WORKFLOWS_DIR) {
	return fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((f) => path.join(dir, f));
}

/** Every (method, path) a workflow listens on, from its Webhook nodes. */
function webhooksOf(workflow) {
	return workflow.nodes
		.filter((node) => node.type === 'n8n-nodes-base.webhook' && !node.disabled)
		.map((node) => ({
			workflow: workflow.name,
			node: node.name,
			method: node.parameters.httpMethod || 'GET',
			path: node.parameters.path,
			authenticated: (node.parameters.authentication || 'none') !== 'none',
		}));
}

/**
 * The workflows as this instance imports them: a stable id each, and references to
 * credentials this instance does not have removed (so the Mission Generator runs from its
 * templates instead of failing on a credential that does not exist).
 */
function prepareWorkflows({ files = listWorkflowFiles(), omitCredentialTypes = [], transform } = {}) {
	return files.map((file) => {
		const workflow = JSON.parse(fs.readFileSync(file, 'utf8'));
		workflow.id = workflowIdFor(file);
		workflow.active = false;
		// A shipped file names its error workflow by file name (ids are the instance's); here it
		// becomes the id that file is imported with.
		const errorWorkflow = workflow.settings?.errorWorkflow;
		if (typeof errorWorkflow === 'string' && errorWorkflow.endsWith('.json')) {
			workflow.settings.errorWorkflow = workflowIdFor(path.join(path.dirname(file), errorWorkflow));
		}
		for (const node of workflow.nodes) {
			if (!node.credentials) continue;
			for (const type of omitCredentialTypes) delete node.credentials[type];
			if (Object.keys(node.credentials).length === 0) delete node.credentials;
		}
		return transform ? transform(workflow, file) : workflow;
	});
}

/**
 * Queue mode: the *Job tables and restarts* workflow's "Where jobs run" says the executions run
 * on workers, so a restart of the main marks no job interrupted (the workers keep running them).
 */
function jobsRunOnWorkers(workflow) {
	for (const node of workflow.nodes) {
		for (const assignment of node.parameters?.assignments?.assignments || []) {
			if (assignment.name === 'jobsRunOnWorkers') assignment.value = true;
		}
	}
	return workflow;
}

module.exports = { buildIsStale, buildPackage, packPackage, workflowIdFor, listWorkflowFiles, webhooksOf, prepareWorkflows, jobsRunOnWorkers };
